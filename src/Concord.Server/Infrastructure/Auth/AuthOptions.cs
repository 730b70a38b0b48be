namespace Concord.Server.Infrastructure.Auth;

/// <summary>Authentication settings (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>bcrypt cost; each +1 doubles the work. 12 takes ~250 ms on one core.</summary>
    public int BcryptWorkFactor { get; set; } = 12;

    /// <summary>HMAC-SHA256 key for access tokens, at least 32 bytes. Unset: a random key per process (tokens die with it).</summary>
    public string? JwtSigningKey { get; set; }
    public string JwtIssuer { get; set; } = "concord";
    public string JwtAudience { get; set; } = "concord";
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a node trusts its cached copy of a user's token version without asking the database. Revocations reach
    /// the node that makes them at once and other nodes through Redis pub/sub within milliseconds; this bounds how long a
    /// revoked token can still work on a node that missed that message (Redis unreachable at the time).
    /// </summary>
    public TimeSpan TokenVersionCacheTtl { get; set; } = TimeSpan.FromSeconds(60);
}

public static class ConcordClaims
{
    public const string UserId = "sub";
    public const string AuthMethod = "amr";
    public const string Csrf = "csrf";
    public const string SessionMethod = "session";
    public const string BearerMethod = "bearer";
    /// <summary>The user's token version when the token was issued; a token whose version is behind the user's is revoked.</summary>
    public const string TokenVersion = "ver";
}
