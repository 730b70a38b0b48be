using System.Security.Claims;
using System.Text.Json;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Security;
using Concord.SocketIO;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Concord.Server.Realtime;

/// <summary>
/// Handshake authentication through ASP.NET Core's schemes, as REST's: a bearer token in the handshake's
/// <c>auth.token</c> goes through the JWT scheme (signature, lifetime, token version); otherwise the user the pipeline's
/// authentication attached to the Engine.IO handshake request counts — the session cookie, an <c>access_token</c> query
/// value or an Authorization header (<see cref="GatewayTokens"/>). A cookie is ambient, so its page's Origin must pass
/// <see cref="OriginPolicy"/>, REST's rule. Anything else is refused with <c>connect_error</c> "unauthorized".
/// </summary>
internal sealed class GatewayAuthentication(IServiceScopeFactory scopes, TokenVersionCache versions, OriginPolicy origins)
{
    public async Task AuthenticateAsync(SocketIOSocket socket, Func<Task> next)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var principal = await AuthenticateAsync(socket.Handshake, scope.ServiceProvider);
            var userId = principal?.TryUserId() ?? throw Unauthorized();
            var user = await scope.ServiceProvider.GetRequiredService<UserIdentities>().FindAsync(userId, socket.Disconnected) ?? throw Unauthorized();
            socket.Data = new SocketUser(userId, user.Username) { TokenVersion = user.TokenVersion };
        }
        catch (Exception ex) when (DependencyFailures.Classify(ex) is not null)
        {
            // The session store or the database is down: say so, as REST's 503 does, rather than "Internal server error".
            throw new ConnectionRejectedException("unavailable");
        }
        await next();
    }

    private async Task<ClaimsPrincipal?> AuthenticateAsync(SocketIOHandshake handshake, IServiceProvider services)
    {
        if (handshake.Auth.ValueKind == JsonValueKind.Object && handshake.Auth.TryGetProperty("token", out var token))
        {
            if (token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 } value) return null;
            var result = await GatewayTokens.Carrying(value, services).AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            return result.Succeeded ? result.Principal : null;
        }
        var user = handshake.User;
        if (user.Identity?.IsAuthenticated != true) return null;
        // A cookie rides along with any page's WebSocket: only our own pages and allow-listed origins may use it.
        if (user.IsSessionAuthenticated() && handshake.Headers.TryGetValue("origin", out var origin)
            && !origins.Allows(origin, handshake.Secure ? "https" : "http", handshake.Headers.GetValueOrDefault("host") ?? ""))
            return null;
        return user;
    }

    /// <summary>
    /// A recovered socket skips the handshake's middleware, so it is checked here: one whose user revoked everything
    /// while it was away (logout-all, password change, account deletion) is not let back in.
    /// </summary>
    public ValueTask<bool> StillValidAsync(SocketUser user) => versions.IsCurrentAsync(user.UserId, user.TokenVersion);

    private static ConnectionRejectedException Unauthorized() => new("unauthorized");
}
