using System.Security.Cryptography;
using System.Text;

namespace Concord.Server.Infrastructure.Sessions;

/// <summary>Server-side state behind a session cookie.</summary>
public sealed record SessionRecord(long UserId, string CsrfToken, DateTimeOffset CreatedAt);

/// <summary>
/// Where sessions live: Redis when configured (shared by every node, survives restarts), in-process otherwise.
/// Stores only a hash of the session id, so a leaked store dump holds no usable cookies.
/// </summary>
public interface ISessionStore
{
    Task<(string SessionId, SessionRecord Record)> CreateAsync(long userId);
    /// <summary>Returns the session and slides its expiry, or null when unknown or expired.</summary>
    Task<SessionRecord?> GetAsync(string sessionId);
    Task DeleteAsync(string sessionId);
    /// <summary>Ends every session of a user (password change).</summary>
    Task DeleteAllForUserAsync(long userId);
}

public sealed class SessionStoreOptions
{
    public const string Section = "Sessions";
    public string CookieName { get; set; } = "concord_sid";
    /// <summary>Idle time after which a session ends; every use slides it.</summary>
    public TimeSpan SlidingExpiration { get; set; } = TimeSpan.FromDays(14);
}

internal static class SessionIds
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string sessionId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)));

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
