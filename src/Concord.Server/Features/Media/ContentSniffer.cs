using System.Text;

namespace Concord.Server.Features.Media;

/// <summary>
/// The content type of an upload, read from its first bytes (magic numbers, then the WHATWG rules for markup);
/// what the client claims (header or extension) is never consulted.
/// </summary>
public static class ContentSniffer
{
    public const string OctetStream = "application/octet-stream";

    /// <summary>Raster formats Concord decodes (avatars, icons, thumbnails). SVG is never decoded.</summary>
    public static bool IsDecodableImage(string contentType) => contentType is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    /// <summary>Types a browser may render inline without running anything from the file.</summary>
    public static bool IsInlineSafe(string contentType) =>
        IsDecodableImage(contentType) || contentType is "video/mp4" or "video/webm" or "audio/mpeg" or "audio/ogg" or "audio/wav" or "text/plain; charset=utf-8";

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Ebml => [0x1A, 0x45, 0xDF, 0xA3];
    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B];

    public static string Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Png)) return "image/png";
        if (head.StartsWith(Jpeg)) return "image/jpeg";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return "image/gif";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8)) return "audio/wav";
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8)) return "video/mp4";
        if (head.StartsWith(Ebml)) return "video/webm";
        if (head.StartsWith("OggS"u8)) return "audio/ogg";
        if (head.StartsWith("ID3"u8)) return "audio/mpeg";
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        if (head.StartsWith("PK\x03\x04"u8)) return "application/zip";
        if (head.StartsWith(Gzip)) return "application/gzip";
        if (LooksLikeMarkup(head, out var markup)) return markup;
        if (IsUtf8Text(head)) return "text/plain; charset=utf-8";
        return OctetStream;
    }

    /// <summary>The canonical extension for a sniffed type, so a name cannot claim another type; null for unknown types.</summary>
    public static string? Extension(string contentType) => contentType switch
    {
        "image/png" => ".png", "image/jpeg" => ".jpg", "image/gif" => ".gif", "image/webp" => ".webp",
        "audio/wav" => ".wav", "video/mp4" => ".mp4", "video/webm" => ".webm", "audio/ogg" => ".ogg", "audio/mpeg" => ".mp3",
        "application/pdf" => ".pdf", "application/zip" => ".zip", "application/gzip" => ".gz",
        "text/html" => ".html", "image/svg+xml" => ".svg", "text/xml" => ".xml", "text/plain; charset=utf-8" => ".txt",
        _ => null,
    };

    // As browsers sniff (WHATWG MIME Sniffing §7.1): leading whitespace, then a tag that starts an HTML document.
    private static readonly string[] HtmlStarts = ["<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table",
        "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--"];

    private static bool LooksLikeMarkup(ReadOnlySpan<byte> head, out string type)
    {
        type = "";
        var text = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 1024)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n', '\f').ToLowerInvariant();
        if (text.StartsWith("<svg", StringComparison.Ordinal) || (text.StartsWith("<?xml", StringComparison.Ordinal) && text.Contains("<svg", StringComparison.Ordinal)))
            type = "image/svg+xml";
        else if (text.StartsWith("<?xml", StringComparison.Ordinal))
            type = "text/xml";
        else if (HtmlStarts.Any(tag => StartsWithTag(text, tag)))
            type = "text/html";
        return type.Length > 0;
    }

    private static bool StartsWithTag(string text, string tag) =>
        text.StartsWith(tag, StringComparison.Ordinal)
        && (tag == "<!--" || (text.Length > tag.Length && text[tag.Length] is ' ' or '>' or '\t' or '\n' or '\r' or '\f'));

    private static bool IsUtf8Text(ReadOnlySpan<byte> head)
    {
        if (head.Contains((byte)0)) return false;
        // A multi-byte character cut at the end of the sample is not a reason to call the file binary.
        var sample = head.Length > 4 ? head[..^4] : head;
        return System.Text.Unicode.Utf8.IsValid(sample) || System.Text.Unicode.Utf8.IsValid(head);
    }
}
