using System.Text.RegularExpressions;

namespace Concord.Server.Features.Media.Storage;

/// <summary>What a stored object is, without its bytes.</summary>
public sealed record StoredObject(long Length, DateTimeOffset LastModified);

/// <summary>
/// Where uploaded bytes live: the local filesystem (the embedded default) or S3-compatible object storage. Keys are
/// content-addressed (<see cref="MediaKeys"/>), so a put of an existing key writes the same bytes again and objects
/// are never modified in place. Content types are kept in the database, not in the store.
/// </summary>
public interface IMediaStorage
{
    Task PutAsync(string key, Stream content, CancellationToken ct = default);

    /// <summary>Length and time of the object, or null when there is none.</summary>
    Task<StoredObject?> StatAsync(string key, CancellationToken ct = default);

    /// <summary>The bytes from <paramref name="offset"/>, <paramref name="length"/> of them (all the rest when null); null when missing.</summary>
    Task<Stream?> OpenReadAsync(string key, long offset = 0, long? length = null, CancellationToken ct = default);

    /// <summary>Removes the object; a missing one is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);
}

public static partial class MediaKeys
{
    /// <summary>Lower-case segments of letters, digits, '.', '_' and '-', separated by '/'; no "..", no leading '/'.</summary>
    [GeneratedRegex("^[a-z0-9_-][a-z0-9._-]*(/[a-z0-9_-][a-z0-9._-]*)*$")]
    private static partial Regex Shape();

    /// <summary>Refuses any key that could step outside the store's folder or bucket prefix.</summary>
    public static string Check(string key) =>
        key.Length is > 0 and <= 200 && Shape().IsMatch(key) && !key.Contains("..", StringComparison.Ordinal)
            ? key
            : throw new ArgumentException($"Invalid media key '{key}'.", nameof(key));

    /// <summary>The key for bytes with this SHA-256 (hex): fanned out by its first two characters.</summary>
    public static string ForHash(string sha256Hex, string variant = "o") => $"{variant}/{sha256Hex[..2]}/{sha256Hex}";
}
