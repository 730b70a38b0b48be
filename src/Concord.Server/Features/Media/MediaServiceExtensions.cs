using Concord.Server.Features.Media.Storage;
using Concord.Server.Features.Mentions;
using Concord.Server.Infrastructure.Hosting;
using Concord.Server.Infrastructure.Queue;
using Concord.Server.Infrastructure.Validation;

namespace Concord.Server.Features.Media;

public static class MediaServiceExtensions
{
    /// <summary>Storage (filesystem or S3), uploads, signed URLs, the clean-up of unattached uploads, the preview and mention jobs.</summary>
    public static WebApplicationBuilder AddConcordMedia(this WebApplicationBuilder builder, NodeRoles roles)
    {
        var options = builder.Configuration.GetSection(MediaOptions.Section).Get<MediaOptions>() ?? new();
        Validate(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IMediaStorage>(options.Storage == MediaStorageKind.S3
            ? _ => new S3MediaStorage(options.S3)
            : _ => new FileSystemMediaStorage(options.Path));
        builder.Services.AddSingleton<MediaUrls>();
        builder.Services.AddSingleton<ImageProcessor>();
        builder.Services.AddScoped<MediaService>();
        builder.Services.AddSingleton<IJobHandler, ThumbnailJobHandler>();
        builder.Services.AddSingleton<IJobHandler, MentionJobHandler>();
        builder.Services.AddSingleton<UnattachedUploadSweeper>();
        if (roles.HasFlag(NodeRoles.Worker)) builder.Services.AddHostedService(sp => sp.GetRequiredService<UnattachedUploadSweeper>());
        // Multipart overhead (boundaries, part headers) on top of the file itself.
        builder.Services.AddSingleton(new BodyLimitOverride(MediaEndpoints.UploadsPath, options.MaxUploadBytes + 64 * 1024));
        builder.Services.AddSingleton(new BodyLimitOverride("/api/auth/avatar", options.MaxUploadBytes + 64 * 1024));
        builder.Services.AddSingleton(new BodyLimitOverride("/api/servers", options.MaxUploadBytes + 64 * 1024, "/icon"));
        return builder;
    }

    private static void Validate(MediaOptions o)
    {
        static void Require(bool ok, string message) { if (!ok) throw new InvalidOperationException(message); }
        Require(o.MaxUploadBytes is > 0 and <= int.MaxValue, "Media:MaxUploadBytes must be between 1 and 2 GiB.");
        Require(o.MaxImagePixels > 0, "Media:MaxImagePixels must be positive.");
        Require(o.SignedUrlLifetime >= TimeSpan.FromMinutes(1), "Media:SignedUrlLifetime must be at least a minute.");
        Require(o.CleanupInterval > TimeSpan.Zero && o.UnattachedLifetime > TimeSpan.Zero, "Media:CleanupInterval and Media:UnattachedLifetime must be positive.");
        Require(o.SigningKey is null or "" || o.SigningKey.Length >= 32, "Media:SigningKey must be at least 32 characters.");
        Require(o.PublicBaseUrl.Length == 0 || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Media:PublicBaseUrl must be an absolute URL.");
        if (o.Storage == MediaStorageKind.S3)
            Require(Uri.TryCreate(o.S3.ServiceUrl, UriKind.Absolute, out _) && o.S3.Bucket.Length > 0,
                "Media:S3:ServiceUrl and Media:S3:Bucket are required with Media:Storage=S3.");
    }
}
