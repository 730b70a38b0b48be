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
            if (socket.Recovered)
            {
                // Not ready while its user is checked again: in-memory recovery gives back the same SocketUser, ready before.
                user.Gateway = null;
                if (!await auth.StillValidAsync(user))
                {
                    socket.Disconnect(close: true);
                    return;
                }
            }
            // Also after a recovery, whose restored data carries no budget.
            user.Budget ??= new EventBudget(options.EventsPerWindow, options.EventWindow, time);
            user.Gateway = _gateway;
            socket.Join(Rooms.User(user.UserId));
            calls.Connected(socket, user);
            await presence.ConnectedAsync(socket, user);
        });
    }
}
