using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Security;
using Concord.Server.Infrastructure.Sessions;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// Handshake authentication: <c>auth: {token}</c> with an access token, or the session cookie.
/// Anything else is refused with <c>connect_error</c> "unauthorized".
/// </summary>
internal sealed class GatewayAuthentication(IServiceScopeFactory scopes, TokenService tokens, TokenVersionCache versions, ISessionStore sessions,
    SessionStoreOptions sessionOptions, CorsOptions cors)
{
    public async Task AuthenticateAsync(SocketIOSocket socket, Func<Task> next)
    {
        try
        {
            var userId = await ResolveUserIdAsync(socket.Handshake) ?? throw Unauthorized();
            await using var scope = scopes.CreateAsyncScope();
            var user = await scope.ServiceProvider.GetRequiredService<UserIdentities>().FindAsync(userId) ?? throw Unauthorized();
            socket.Data = new SocketUser(userId, user.Username) { TokenVersion = user.TokenVersion };
        }
        catch (Exception ex) when (DependencyFailures.Classify(ex) is not null)
        {
            // The session store or the database is down: say so, as REST's 503 does, rather than "Internal server error".
            throw new ConnectionRejectedException("unavailable");
        }
        await next();
    }

    private async Task<long?> ResolveUserIdAsync(SocketIOHandshake handshake)
    {
        if (handshake.Auth.ValueKind == System.Text.Json.JsonValueKind.Object
            && handshake.Auth.TryGetProperty("token", out var token) && token.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            var value = token.GetString()!;
            return value.Length is > 0 and < 4096 ? (await tokens.ValidateAsync(value, versions))?.UserId : null;
        }
        if (!handshake.Cookies.TryGetValue(sessionOptions.CookieName, out var sid) || sid.Length is 0 or > 128) return null;
        // A cookie rides along with any page's WebSocket: only our own pages and allow-listed origins may use it.
        if (handshake.Headers.TryGetValue("origin", out var origin) && !IsAllowedOrigin(handshake, origin)) return null;
        return (await sessions.GetAsync(sid))?.UserId;
    }

    /// <summary>
    /// A recovered socket skips the handshake's middleware, so it is checked here: one whose user revoked everything
    /// while it was away (logout-all, password change, account deletion) is not let back in.
    /// </summary>
    public ValueTask<bool> StillValidAsync(SocketUser user) => versions.IsCurrentAsync(user.UserId, user.TokenVersion);

    private bool IsAllowedOrigin(SocketIOHandshake handshake, string origin) =>
        cors.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase)
        || (handshake.Headers.TryGetValue("host", out var host)
            && (string.Equals(origin, $"http://{host}", StringComparison.OrdinalIgnoreCase)
                || string.Equals(origin, $"https://{host}", StringComparison.OrdinalIgnoreCase)));

    private static ConnectionRejectedException Unauthorized() => new("unauthorized");
}
