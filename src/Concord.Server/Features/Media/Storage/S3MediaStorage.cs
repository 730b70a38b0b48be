using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Concord.Server.Features.Media.Storage;

/// <summary>
/// Objects in an S3-compatible bucket (AWS, MinIO, Ceph, Garage, R2 …): path-style addressing and a custom endpoint,
/// so any of them works with the same code. Keys are prefixed by <c>Media:S3:Prefix</c>.
/// </summary>
public sealed class S3MediaStorage : IMediaStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3MediaStorage(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            // Flexible checksums (CRC trailers in aws-chunked bodies) are AWS-specific; most compatible servers want
            // plain signed bodies, so checksums are only sent where the API requires them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = options.Timeout,
            MaxErrorRetry = 2,
        };
        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        _bucket = options.Bucket;
        _prefix = options.Prefix.Trim('/') is { Length: > 0 } p ? p + "/" : "";
    }

    private string KeyOf(string key) => _prefix + MediaKeys.Check(key);

    public async Task PutAsync(string key, Stream content, CancellationToken ct = default)
    {
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = KeyOf(key),
            InputStream = content,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        }, ct);
    }

    public async Task<StoredObject?> StatAsync(string key, CancellationToken ct = default)
    {
        try
        {
            var meta = await _client.GetObjectMetadataAsync(_bucket, KeyOf(key), ct);
            return new StoredObject(meta.ContentLength, new DateTimeOffset(meta.LastModified ?? DateTime.UtcNow));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default)
    {
        var request = new GetObjectRequest { BucketName = _bucket, Key = KeyOf(key) };
        if (offset > 0 || length is not null)
        {
            if (length == 0) return Stream.Null;
            request.ByteRange = new ByteRange(offset, length is { } n ? offset + n - 1 : long.MaxValue);
            if (length is null) request.ByteRange = new ByteRange($"bytes={offset}-");
        }
        try
        {
            var response = await _client.GetObjectAsync(request, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default) =>
        await _client.DeleteObjectAsync(_bucket, KeyOf(key), ct);

    public void Dispose() => _client.Dispose();
}
