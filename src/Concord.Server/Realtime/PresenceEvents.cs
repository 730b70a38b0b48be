using Concord.Server.Features.Members;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// Keeps presence in step with sockets and tells the servers a user shares (rooms server:&lt;id&gt;) when the
/// user's aggregate status changes: <c>presence-update</c> {userId, status}. Clients report idleness with <c>set-status</c>.
/// </summary>
internal sealed class PresenceEvents(IServiceScopeFactory scopes, IPresenceStore presence, SocketIOServer io, ILogger<PresenceEvents> logger)
{
    public async Task ConnectedAsync(SocketIOSocket socket, SocketUser user)
    {
        socket.On(user, ClientEvents.SetStatus, SetStatus);
        socket.OnDisconnect(reason => { _ = DisconnectedAsync(socket.Id, user); });
        var (before, after) = await presence.SetAsync(user.UserId, socket.Id, PresenceStatus.Online);
        if (before != after) await BroadcastAsync(user.UserId, after);
    }

    private async Task<Reply<StatusAck>> SetStatus(EventCall<SetStatusPayload> call)
    {
        var (user, status) = (call.User, call.Payload.Status == "idle" ? PresenceStatus.Idle : PresenceStatus.Online);
        user.Status = status;
        var (before, after) = await presence.SetAsync(user.UserId, call.Socket.Id, status);
        if (before != after) await BroadcastAsync(user.UserId, after);
        return new StatusAck(after.Wire());
    }

    private async Task DisconnectedAsync(string socketId, SocketUser user)
    {
        try
        {
            var (before, after) = await presence.RemoveAsync(user.UserId, socketId);
            if (before != after) await BroadcastAsync(user.UserId, after);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Presence update failed for user {UserId}", user.UserId);
        }
    }

    private async Task BroadcastAsync(long userId, PresenceStatus status)
    {
        await using var scope = scopes.CreateAsyncScope();
        var rooms = await scope.ServiceProvider.GetRequiredService<Memberships>().ServerIdsAsync(userId);
        if (rooms.Count == 0) return;
        // One emit to the union of rooms: a socket in several shared servers gets it once.
        await io.To(rooms.Select(Rooms.Server)).Emit(ServerEvents.PresenceUpdate, new PresenceUpdate(userId, status.Wire()));
    }
}

/// <summary>Refreshes this node's presence entries so that those of a crashed node expire.</summary>
internal sealed class PresenceHeartbeat(IPresenceStore presence, SocketIOServer io, ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var users = io.Sockets.Sockets.Values.Select(s => s.Data).OfType<SocketUser>().Select(u => u.UserId).Distinct().ToList();
                if (users.Count > 0) await presence.RefreshAsync(users);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Presence heartbeat failed");
            }
        }
    }
}
