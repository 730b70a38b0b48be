namespace Concord.SocketIO.Tests.Interop;

/// <summary>
/// The server of tests/interop/recovery.test.mjs: connection-state recovery on. The middleware
/// numbers each run, so a recovered socket whose Data keeps its old number proves the middleware
/// was skipped and Data restored.
/// </summary>
public static class RecoveryApp
{
    private static int _middlewareRuns;

    public static void Configure(SocketIOOptions options)
    {
        InteropApp.Configure(options);
        options.ConnectionStateRecovery = new ConnectionStateRecoveryOptions();
    }

    public static void Setup(SocketIOServer io)
    {
        io.Sockets.Use((socket, next) =>
        {
            var name = socket.Handshake.Auth.GetProperty("name").GetString();
            socket.Data = $"{name}#{Interlocked.Increment(ref _middlewareRuns)}";
            return next();
        });
        io.Sockets.OnConnection(socket =>
        {
            var name = socket.Handshake.Auth.GetProperty("name").GetString();
            socket.OnDisconnect(reason => io.To("observers").Emit("peer-disconnected", name, reason));
            socket.On("observe", e => { socket.Join("observers"); e.Ack(true); });
            socket.On("join", e => { socket.Join(e.Args[0].GetString()!); e.Ack(true); });
            socket.On("leave", e => { socket.Leave(e.Args[0].GetString()!); e.Ack(true); });
            socket.On("whoami", e => e.Ack(new { id = socket.Id, data = socket.Data, recovered = socket.Recovered, rooms = socket.Rooms.Order() }));
            socket.On("to-room", async e =>
            {
                await io.To(e.Args[0].GetString()!).Emit("room-message", e.Args[1]);
                e.Ack(true);
            });
            socket.On("to-socket", async e =>
            {
                await io.To(e.Args[0].GetString()!).Emit("direct-message", e.Args[1]);
                e.Ack(true);
            });
            socket.Emit("welcome", new { recovered = socket.Recovered });
        });
    }
}
