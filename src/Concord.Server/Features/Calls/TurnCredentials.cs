using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Concord.Server.Features.Calls;

/// <summary>
/// Time-limited TURN credentials in the TURN REST API scheme that coturn implements with <c>use-auth-secret</c>:
/// username = "&lt;expiry unix seconds&gt;:&lt;userId&gt;", credential = base64(HMAC-SHA1(secret, username)).
/// coturn recomputes the HMAC and refuses expired usernames, so nothing is stored.
/// </summary>
public sealed class TurnCredentials(CallOptions options, TimeProvider time)
{
    public (string Username, string Credential, DateTimeOffset ExpiresAt) Issue(long userId)
    {
        var expiresAt = time.GetUtcNow() + options.TurnCredentialLifetime;
        var username = string.Create(CultureInfo.InvariantCulture, $"{expiresAt.ToUnixTimeSeconds()}:{userId}");
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(options.TurnSecret ?? ""), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac), expiresAt);
    }
}
