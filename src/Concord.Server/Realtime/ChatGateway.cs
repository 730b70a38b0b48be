using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// The chat layer on top of Concord.SocketIO, in the default namespace "/": authenticate the handshake,
/// put each socket in its user's room, then register the events of each area.
/// </summary>
internal sealed class ChatGateway(
    RealtimeOptions options,
    TimeProvider time,
    GatewayAuthentication auth,
    RoomEvents rooms,
    TypingEvents typing,
    SendEvents messages,
    CallEvents calls,
    PresenceEvents presence,
    EventFailures failures,
    IServiceScopeFactory scopes)
{
    private readonly GatewayContext _gateway = new(scopes, failures);

    public void Attach(SocketIONamespace nsp)
    {
        nsp.Use(auth.AuthenticateAsync);
        // Registered once for every socket (GatewayEvents.On on the namespace); they serve a socket once it is ready below.
        rooms.Register(nsp);
        typing.Register(nsp);
        messages.Register(nsp);
        presence.Register(nsp);
        calls.Register(nsp);
        nsp.OnConnection(async socket =>
        {
            var user = (SocketUser)socket.Data!;
            var held = socket.Recovered ? Hold(user) : null;
            if (held is not null && !await StillValidAsync(user, held))
            {
                socket.Disconnect(close: true);
                return;
            }
            // Also after a recovery, whose restored data carries no budget.
            user.Budget ??= new EventBudget(options.EventsPerWindow, options.EventWindow, time);
            user.Gateway = _gateway;
            socket.Join(Rooms.User(user.UserId));
            calls.Connected(socket, user);
            Release(user, held, ready: true);
            await presence.ConnectedAsync(socket, user);
        });
    }

    /// <summary>
    /// A recovered socket skips the handshake, so it is not served until its user is checked again (in-memory recovery
    /// gives back the same SocketUser, ready before): events arriving meanwhile wait for <see cref="SocketUser.Ready"/>
    /// (<see cref="GatewayEvents"/>), then run, or are answered <c>unauthorized</c> — none goes unanswered.
    /// </summary>
    private static TaskCompletionSource<bool> Hold(SocketUser user)
    {
        // Continuations run inline when released: the waiting events go first, in arrival order, and a refused socket's
        // answers are written before it closes.
        var held = new TaskCompletionSource<bool>();
        user.Gateway = null;
        user.Ready = held.Task;
        return held;
    }

    private async Task<bool> StillValidAsync(SocketUser user, TaskCompletionSource<bool> held)
    {
        var valid = false;
        try
        {
            valid = await auth.StillValidAsync(user);
            return valid;
        }
        finally
        {
            // Refused, or the check failed (a dependency down): the waiting events are answered now.
            if (!valid) Release(user, held, ready: false);
        }
    }

    private static void Release(SocketUser user, TaskCompletionSource<bool>? held, bool ready)
    {
        if (held is null) return;
        user.Ready = null;
        held.TrySetResult(ready);
    }
}
