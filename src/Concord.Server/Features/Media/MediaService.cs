using Concord.Server.Features.Media.Storage;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using NetVips;

namespace Concord.Server.Features.Media;

/// <summary>Stores uploads: attachments as they came (content-addressed), avatars and icons decoded and re-encoded.</summary>
public sealed partial class MediaService(ConcordDbContext db, IMediaStorage storage, MediaOptions options, SnowflakeGenerator ids,
    ImageProcessor images, MediaUrls urls, TimeProvider time, ILogger<MediaService> logger)
{
    /// <summary>An unattached upload; a message send claims it within <see cref="MediaOptions.UnattachedLifetime"/>.</summary>
    public async Task<(AttachmentDto? Attachment, ApiError? Error)> UploadAttachmentAsync(long userId, HttpRequest request, CancellationToken ct)
    {
        var (file, error) = await UploadedFile.InspectAsync(request, options, ct);
        if (error is not null) return (null, error);

        await using (var bytes = file!.Form.OpenReadStream())
            await storage.PutAsync(MediaKeys.ForHash(file.Sha256), bytes, ct);
        var attachment = new Attachment
        {
            Id = ids.Next(), UploaderId = userId, Sha256 = file.Sha256, Filename = file.Filename, ContentType = file.ContentType,
            Size = file.Form.Length, Width = file.Width, Height = file.Height, CreatedAt = time.GetUtcNow(),
        };
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(ct);
        return (urls.Sign(ToDto(attachment)), null);
    }

    /// <summary>An avatar or icon: a PNG, JPEG, GIF or WebP, decoded and re-encoded as a 512×512 WebP; answers its public URL.</summary>
    public async Task<(string? Url, ApiError? Error)> StoreImageAsync(HttpRequest request, CancellationToken ct)
    {
        var (file, error) = await UploadedFile.InspectAsync(request, options, ct);
        if (error is not null) return (null, error);
        if (!ContentSniffer.IsDecodableImage(file!.ContentType))
            return (null, ApiError.Field("file", "Must be a PNG, JPEG, GIF or WebP image."));

        byte[] source;
        using (var buffer = new MemoryStream((int)file.Form.Length))
        {
            await file.Form.CopyToAsync(buffer, ct);
            source = buffer.ToArray();
        }
        EncodedImage encoded;
        try
        {
            encoded = images.Avatar(source);
        }
        catch (VipsException e)
        {
            LogUndecodable(logger, e.Message);
            return (null, ApiError.Field("file", "The image could not be decoded."));
        }
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(encoded.Bytes));
        await storage.PutAsync(MediaKeys.ForHash(sha, "p"), new MemoryStream(encoded.Bytes), ct);
        return (urls.Public(sha), null);
    }

    internal static AttachmentDto ToDto(Attachment a) =>
        new(a.Id, a.Filename, a.ContentType, (int)a.Size, a.Width, a.Height, null, a.Placeholder, null) { Sha256 = a.Sha256, PreviewsJson = a.Previews };

    [LoggerMessage(Level = LogLevel.Information, Message = "An image upload could not be decoded: {Reason}")]
    private static partial void LogUndecodable(ILogger logger, string reason);
}
