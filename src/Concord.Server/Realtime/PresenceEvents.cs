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
    // One user's changes on this node are written and announced one at a time. A closing tab reports itself hidden
    // ("set-status" idle) just before its socket closes: without this the two broadcasts raced (each looks up the
    // user's servers first), and a late "idle" could reach the others after "offline" and stay there.
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task ConnectedAsync(SocketIOSocket socket, SocketUser user)
    {
        socket.On(user, ClientEvents.SetStatus, SetStatus);
        socket.OnDisconnect(reason => { _ = DisconnectedAsync(socket, user); });
        await ApplyAsync(socket, user.UserId, PresenceStatus.Online);
    }

    private async Task<Reply<StatusAck>> SetStatus(EventCall<SetStatusPayload> call)
    {
        var (user, status) = (call.User, call.Payload.Status == "idle" ? PresenceStatus.Idle : PresenceStatus.Online);
        user.Status = status;
        var after = await ApplyAsync(call.Socket, user.UserId, status);
        return new StatusAck(after.Wire());
    }

    /// <summary>Records the socket's status (null: the socket is gone) and announces the user's new aggregate, which it answers.</summary>
    private async Task<PresenceStatus> ApplyAsync(SocketIOSocket socket, long userId, PresenceStatus? status)
    {
        var gate = _gates[(int)((ulong)userId % (ulong)_gates.Length)];
        await gate.WaitAsync();
        try
        {
            var (before, after) = status is { } s
                ? await presence.SetAsync(userId, socket.Id, s)
                : await presence.RemoveAsync(userId, socket.Id);
            // The socket closed while its status was being written: its disconnect may already have removed the
            // entry, which this write brought back. Take it out again, or it outlives the socket.
            if (status is not null && !socket.Connected) (_, after) = await presence.RemoveAsync(userId, socket.Id);
            if (before != after) await BroadcastAsync(userId, after);
            return after;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task DisconnectedAsync(SocketIOSocket socket, SocketUser user)
    {
        try
        {
            await ApplyAsync(socket, user.UserId, null);
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
