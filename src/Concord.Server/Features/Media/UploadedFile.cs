using System.Security.Cryptography;
using Concord.Server.Infrastructure.Errors;

namespace Concord.Server.Features.Media;

/// <summary>What an upload is, learnt from its bytes: hash, sniffed type, header size of images. Refusals are field errors on "file".</summary>
public sealed record UploadedFile(IFormFile Form, string Sha256, string ContentType, string Filename, int? Width, int? Height)
{
    /// <summary>Enough to sniff and to find a JPEG's frame header behind large EXIF blocks.</summary>
    private const int HeadBytes = 256 * 1024;

    public static async Task<(UploadedFile? File, ApiError? Error)> InspectAsync(HttpRequest request, MediaOptions options, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return (null, new ApiError(ErrorCode.UnsupportedMediaType, "Send multipart/form-data with the file in a part named 'file'."));
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null) return (null, ApiError.Field("file", "Required: a multipart part named 'file'."));
        if (file.Length == 0) return (null, ApiError.Field("file", "Must not be empty."));
        if (file.Length > options.MaxUploadBytes) return (null, new ApiError(ErrorCode.PayloadTooLarge, $"Files are limited to {options.MaxUploadBytes} bytes."));

        await using var stream = file.OpenReadStream();
        var head = new byte[(int)Math.Min(HeadBytes, file.Length)];
        await stream.ReadExactlyAsync(head, ct);
        stream.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));

        var type = ContentSniffer.Sniff(head);
        int? width = null, height = null;
        if (ContentSniffer.IsDecodableImage(type))
        {
            if (ImageHeader.Read(head, type) is not var (w, h) || w <= 0 || h <= 0)
                return (null, ApiError.Field("file", "The image header is unreadable."));
            if ((long)w * h > options.MaxImagePixels)
                return (null, ApiError.Field("file", $"The image is {w}×{h} pixels; at most {options.MaxImagePixels} pixels are accepted."));
            (width, height) = (w, h);
        }
        return (new UploadedFile(file, sha, type, FileNames.Sanitize(file.FileName, type), width, height), null);
    }
}
