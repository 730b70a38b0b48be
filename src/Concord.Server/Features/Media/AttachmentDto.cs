using System.Text.Json;

namespace Concord.Server.Features.Media;

/// <summary>
/// An attachment on the wire (<see cref="Size"/> in bytes is a number: every long is an id string on the wire). <see cref="Url"/> and the previews' URLs are signed and expire (docs/api-messages.md);
/// <see cref="Previews"/> is empty until the thumbnail job has run (then <c>attachment-processed</c> is sent).
/// </summary>
public sealed record AttachmentDto(long Id, string Filename, string ContentType, int Size, int? Width, int? Height,
    string? Url, string? Placeholder, IReadOnlyList<PreviewDto>? Previews)
{
    internal string Sha256 { get; init; } = "";
    internal string? PreviewsJson { get; init; }
}

/// <summary>A WebP preview of an image attachment: <c>small</c> fits 256×256, <c>large</c> fits 1024×1024.</summary>
public sealed record PreviewDto(string Size, int Width, int Height, string? Url = null)
{
    internal string Sha256 { get; init; } = "";
}

/// <summary>How previews are kept in <see cref="Attachment.Previews"/>.</summary>
public sealed record StoredPreview(string Size, string Sha256, int Width, int Height)
{
    public static string Serialize(IEnumerable<StoredPreview> previews) => JsonSerializer.Serialize(previews, JsonSerializerOptions.Web);
    public static List<StoredPreview> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<StoredPreview>>(json, JsonSerializerOptions.Web) ?? [];
}
