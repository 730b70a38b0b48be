using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Sessions;
using Concord.Server.Realtime;

namespace Concord.Server.Features.Auth;

/// <summary>
/// Everything that speaks for a user stops at once: every session ends, every access token is revoked (the user's token
/// version moved, on this node now and on the others through Redis), and every socket is disconnected on every node.
/// Call after the database commit that moved the version (password change, logout-all) or deleted the user.
/// </summary>
public sealed class AccountRevocation(ISessionStore sessions, TokenRevocationChannel tokens, IRealtimeEvents realtime)
{
    /// <summary>
    /// Call before the commit that moves the version. <c>POST /token</c> reads the version and then checks that its
    /// session still exists, so a token minted from a session concurrently either carries the old version (revoked by
    /// the commit) or finds its session already gone.
    /// </summary>
    public Task EndSessionsAsync(long userId) => sessions.DeleteAllForUserAsync(userId);

    public async Task RevokeEverythingAsync(long userId, int newTokenVersion)
    {
        await sessions.DeleteAllForUserAsync(userId);
        await tokens.PublishAsync(userId, newTokenVersion);
        await realtime.DisconnectUserAsync(userId);
    }
}
