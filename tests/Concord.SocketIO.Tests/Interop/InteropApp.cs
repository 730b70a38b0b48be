using System.Text.Json;
using System.Text.RegularExpressions;

namespace Concord.SocketIO.Tests.Interop;

/// <summary>
/// The server the JS scenarios in tests/interop talk to. Every behaviour a scenario checks is
/// an event here, and every disconnect is reported to the "observers" room with its reason,
/// so the JS side can assert server-side reasons too.
/// </summary>
public static partial class InteropApp
{
    public static void Configure(SocketIOOptions options)
    {
        options.PingInterval = TimeSpan.FromMilliseconds(2000);
        options.PingTimeout = TimeSpan.FromMilliseconds(2000);
        options.MaxPayload = 100_000;
    }

    public static void Setup(SocketIOServer io)
    {
        io.Sockets.Use(async (socket, next) =>
        {
            var auth = socket.Handshake.Auth;
            if (auth.TryGetProperty("token", out var token) && token.GetString() == "bad")
                throw new ConnectionRejectedException("not authorized", new { code = 401, hint = "use a valid token" });
            socket.Data = auth.TryGetProperty("name", out var name) ? name.GetString() : socket.Id;
            await next();
        });
        io.Sockets.OnConnection(socket => RegisterMainEvents(io, socket));

        io.Of("/admin")
            .Use((socket, next) => socket.Handshake.Auth.TryGetProperty("role", out var role) && role.GetString() == "admin"
                ? next()
                : throw new ConnectionRejectedException("forbidden", new { reason = "admin only" }))
            .OnConnection(socket => socket.On("whoami", e => e.Ack(new { nsp = "admin", id = socket.Id })));

        io.OfDynamic(name => DynamicName().IsMatch(name),
            nsp => nsp.OnConnection(socket => socket.On("name", e => e.Ack(nsp.Name))));
    }

    private static void RegisterMainEvents(SocketIOServer io, SocketIOSocket socket)
    {
        socket.OnDisconnect(reason => io.To("observers").Emit("peer-disconnected", socket.Data, reason));
        socket.On("observe", e => { socket.Join("observers"); e.Ack(true); });
        // emitWithAck resolves with the first ack argument only, so multi-value answers are one array or object.
        socket.On("echo", e => e.Ack(e.Args.ToArray()));
        socket.On("transport", e => e.Ack(socket.Transport));
        socket.On("binary", e =>
        {
            var bytes = e.Args.GetBytes(0).ToArray();
            e.Ack(new { size = bytes.Length, data = bytes });
            socket.Emit("binary-back", bytes.Reverse().ToArray());
        });
        socket.On("ask-client", async e =>
        {
            var answer = await socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(5), e.Args[0]);
            socket.Emit("answer", answer[0]);
        });
        socket.On("ask-binary", async e =>
        {
            var answer = await socket.EmitWithAckAsync("binary-question", TimeSpan.FromSeconds(5), new byte[] { 1, 2, 3 });
            socket.Emit("binary-answer", answer.GetBytes(0).ToArray());
        });
        socket.On("join", e => { socket.Join(e.Args[0].GetString()!); e.Ack(socket.Rooms.Order()); });
        socket.On("leave", e => { socket.Leave(e.Args[0].GetString()!); e.Ack(socket.Rooms.Order()); });
        socket.On("to-room", async e =>
        {
            await socket.To(e.Args[0].GetString()!).Emit("room-message", e.Args[1]);
            e.Ack(true);
        });
        socket.On("to-except", async e =>
        {
            await io.To(Strings(e.Args[0])).Except(e.Args[1].GetString()!).Emit("room-message", e.Args[2]);
            e.Ack(true);
        });
        socket.On("sockets-join", async e =>
        {
            await io.In(e.Args[0].GetString()!).SocketsJoin(e.Args[1].GetString()!);
            e.Ack(true);
        });
        socket.On("sockets-leave", async e =>
        {
            await io.In(e.Args[0].GetString()!).SocketsLeave(e.Args[1].GetString()!);
            e.Ack(true);
        });
        socket.On("emit-leave-emit", async e =>
        {
            // The order a chat server uses when a member leaves: tell the room, then take the member out.
            var room = e.Args[0].GetString()!;
            _ = io.To(room).Emit("room-message", "before-leave");
            _ = io.In(room).SocketsLeave(room);
            await io.To(room).Emit("room-message", "after-leave");
            e.Ack(true);
        });
        socket.On("fetch", async e =>
        {
            var sockets = await io.In(e.Args[0].GetString()!).FetchSockets();
            e.Ack((object)sockets.Select(s => s.Data).Order().ToArray());
        });
        socket.On("disconnect-room", async e =>
        {
            await io.In(e.Args[0].GetString()!).DisconnectSockets();
            e.Ack(true);
        });
        socket.On("disconnect-me", _ => socket.Disconnect());
        socket.On("close-me", _ => socket.Disconnect(close: true));
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(x => x.GetString()!).ToArray();

    [GeneratedRegex(@"^/dyn-\d+$")]
    private static partial Regex DynamicName();
}
