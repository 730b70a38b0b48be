using System.Security.Cryptography;
using System.Text;

namespace Concord.Server.Features.Media;

/// <summary>
/// Media URLs. Avatars and icons are public: <c>/media/p/{sha256}.webp</c>. Attachments are signed:
/// <c>/media/a/{id}/{sha256}/{filename}?ex={unix}&amp;sig={hmac}</c>, HMAC-SHA256 over "{id}/{sha256}\n{ex}", so a CDN can
/// cache them without knowing users and a leaked link dies by itself. Expiries sit on a grid (a tenth of the
/// lifetime), so everyone who loads a message in the same stretch gets the same URL and the CDN one cache entry.
/// </summary>
public sealed class MediaUrls(MediaOptions options, TimeProvider time)
{
    private readonly byte[] _key = options.SigningKey is { Length: > 0 } k ? Encoding.UTF8.GetBytes(k) : RandomNumberGenerator.GetBytes(32);
    private readonly string _base = options.PublicBaseUrl.TrimEnd('/');

    public string Public(string sha256) => $"{_base}/media/p/{sha256}.webp";

    public string Attachment(long id, string sha256, string filename)
    {
        var lifetime = (long)options.SignedUrlLifetime.TotalSeconds;
        var grid = Math.Max(1, lifetime / 10);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var expires = ((now + lifetime) / grid + 1) * grid;
        return $"{_base}/media/a/{id}/{sha256}/{Uri.EscapeDataString(filename)}?ex={expires}&sig={Sign(id, sha256, expires)}";
    }

    /// <summary>Null when valid, else why not.</summary>
    public string? Verify(long id, string sha256, long? expires, string? signature)
    {
        if (expires is null || string.IsNullOrEmpty(signature)) return "This link is not signed.";
        var expected = Encoding.ASCII.GetBytes(Sign(id, sha256, expires.Value));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature))) return "This link's signature is invalid.";
        if (expires.Value < time.GetUtcNow().ToUnixTimeSeconds()) return "This link has expired.";
        return null;
    }

    private string Sign(long id, string sha256, long expires)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{id}/{sha256}\n{expires}"));
        return Convert.ToBase64String(mac.AsSpan(0, 20)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The wire form: signed URLs for the file and its previews.</summary>
    public AttachmentDto Sign(AttachmentDto a) => a with
    {
        Url = Attachment(a.Id, a.Sha256, a.Filename),
        Previews = StoredPreview.Parse(a.PreviewsJson)
            .Select(p => new PreviewDto(p.Size, p.Width, p.Height, Attachment(a.Id, p.Sha256, $"{p.Size}.webp")) { Sha256 = p.Sha256 }).ToList(),
    };

    public IReadOnlyList<AttachmentDto> Sign(IReadOnlyList<AttachmentDto>? attachments) =>
        attachments is null or { Count: 0 } ? [] : attachments.Select(Sign).ToList();
}
