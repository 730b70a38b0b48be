namespace Concord.Server.Features.Media;

public enum MediaStorageKind { FileSystem, S3 }

/// <summary>Uploads, storage and delivery (section <c>Media</c>).</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary><c>FileSystem</c> (default) or <c>S3</c>.</summary>
    public MediaStorageKind Storage { get; set; } = MediaStorageKind.FileSystem;

    /// <summary>Folder of the filesystem store (relative to the working directory).</summary>
    public string Path { get; set; } = "media";

    public S3StorageOptions S3 { get; set; } = new();

    /// <summary>Largest upload, in bytes (25 MiB).</summary>
    public long MaxUploadBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Largest image (width × height) that is decoded at all: larger headers are refused before decoding.</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>An upload not attached to a message (or used as avatar/icon) within this time is deleted.</summary>
    public TimeSpan UnattachedLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the clean-up of unattached uploads runs.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Origin (and optional path) in front of the media routes, e.g. "https://cdn.example.com"; empty means URLs
    /// relative to this server ("/media/…").
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>HMAC-SHA256 key for signed attachment URLs, ≥ 32 bytes; the same on every node. Random per process when empty.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a signed attachment URL stays valid. URLs are minted on a time grid of a tenth of this, so a CDN sees the same URL for a while.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>S3-compatible storage (section <c>Media:S3</c>).</summary>
public sealed class S3StorageOptions
{
    /// <summary>Endpoint, e.g. "http://minio:9000" or "https://s3.eu-west-1.amazonaws.com".</summary>
    public string ServiceUrl { get; set; } = "";
    public string Bucket { get; set; } = "";
    public string Region { get; set; } = "us-east-1";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    /// <summary>Key prefix inside the bucket, e.g. "concord/".</summary>
    public string Prefix { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
