using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Concord.Server.Infrastructure.Auth;

/// <summary>Short-lived signed access tokens for non-browser clients and the real-time handshake.</summary>
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

    public (string Token, int ExpiresIn) Issue(long userId)
    {
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.JwtIssuer,
            Audience = _options.JwtAudience,
            Subject = new ClaimsIdentity([new Claim(ConcordClaims.UserId, userId.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
            Expires = DateTime.UtcNow + _options.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
        return (token, (int)_options.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>Validates a token outside the HTTP pipeline (the real-time handshake). Null when invalid.</summary>
    public async Task<long?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid && result.ClaimsIdentity.FindFirst(ConcordClaims.UserId)?.Value is { } sub && long.TryParse(sub, out var id)
            ? id
            : null;
    }
}
