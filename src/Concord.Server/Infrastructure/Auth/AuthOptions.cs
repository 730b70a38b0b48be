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
}

public static class ConcordClaims
{
    public const string UserId = "sub";
    public const string AuthMethod = "amr";
    public const string Csrf = "csrf";
    public const string SessionMethod = "session";
    public const string BearerMethod = "bearer";
}
