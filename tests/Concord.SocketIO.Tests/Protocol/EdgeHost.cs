using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>A small server for byte-level tests: one echo event, one binary echo, a 1000-byte limit.</summary>
public static class EdgeHost
{
    public static Task<TestHost> StartAsync(Action<SocketIOOptions>? tweak = null, bool detached = true) =>
        TestHost.StartAsync(
            options =>
            {
                options.MaxPayload = 1000;
                options.CorsOrigins.Add("http://allowed.example");
                options.AllowRequest = context => ValueTask.FromResult(!context.Request.Headers.ContainsKey("x-forbid"));
                tweak?.Invoke(options);
            },
            io => io.Sockets.OnConnection(socket =>
            {
                socket.On("echo", e => e.Ack(e.Args[0]));
                socket.On("bin", e => e.Ack(e.Args.GetBytes(0).ToArray()));
            }),
            detached);
}
