using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Concord.Server.Infrastructure.Auth;

/// <summary>Short-lived signed access tokens for non-browser clients and the real-time handshake (validated by the JWT bearer scheme).</summary>
public sealed class TokenService
{
    private readonly AuthOptions _options;
    private readonly JsonWebTokenHandler _handler = new();

    public TokenService(AuthOptions options, ILogger<TokenService> logger)
    {
        _options = options;
        byte[] key;
        if (string.IsNullOrEmpty(options.JwtSigningKey))
        {
            logger.LogWarning("Auth:JwtSigningKey is not set: using a random key; access tokens will not survive a restart or work across nodes.");
            key = RandomNumberGenerator.GetBytes(32);
        }
        else
        {
            key = Encoding.UTF8.GetBytes(options.JwtSigningKey);
            if (key.Length < 32) throw new InvalidOperationException("Auth:JwtSigningKey must be at least 32 bytes.");
        }
        SigningKey = new SymmetricSecurityKey(key);
    }

    public SymmetricSecurityKey SigningKey { get; }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = _options.JwtIssuer,
        ValidAudience = _options.JwtAudience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = ConcordClaims.UserId,
    };

    /// <summary>A token for <paramref name="userId"/> carrying the user's current token version (see <see cref="TokenVersionCache"/>).</summary>
    public (string Token, int ExpiresIn) Issue(long userId, int tokenVersion)
    {
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.JwtIssuer,
            Audience = _options.JwtAudience,
            Subject = new ClaimsIdentity([new Claim(ConcordClaims.UserId, userId.ToString(CultureInfo.InvariantCulture))]),
            Claims = new Dictionary<string, object> { [ConcordClaims.TokenVersion] = tokenVersion },
            Expires = DateTime.UtcNow + _options.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, (int)_options.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>
    /// The user id and token version of a token whose signature is valid; null unless <c>sub</c> is a positive
    /// 64-bit id and <c>ver</c> a non-negative integer (a signed token with anything else is refused, never a 500).
    /// </summary>
    public static TokenSubject? ReadSubject(ClaimsIdentity identity) =>
        long.TryParse(identity.FindFirst(ConcordClaims.UserId)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
        && int.TryParse(identity.FindFirst(ConcordClaims.TokenVersion)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? new TokenSubject(id, version)
            : null;
}

/// <summary>Who a valid access token speaks for, and the token version it was issued under.</summary>
public sealed record TokenSubject(long UserId, int Version);
