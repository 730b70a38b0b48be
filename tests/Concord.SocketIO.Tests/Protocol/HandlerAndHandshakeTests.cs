using System.Text.Json;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>Handler dispatch and handshake data as a socket sees them (both are kept compactly per connection).</summary>
public sealed class HandlerAndHandshakeTests
{
    [Fact]
    public async Task HandlersOfOneEventRunInRegistrationOrderWhateverTheirKind()
    {
        await using var host = await TestHost.StartAsync(setup: io => io.Sockets.OnConnection(socket =>
        {
            var order = new List<string>();
            socket.On("ev", e => order.Add("sync"));
            socket.On("other", e => e.Ack("other"));
            socket.On("ev", async e =>
            {
                order.Add("async:" + e.Args[0].GetString());
                await Task.Yield();
            });
            socket.On("ev", e => e.Ack(string.Join(",", order)));
        }));
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);

        await ws.SendTextAsync("421[\"ev\",\"x\"]");
        Assert.Equal("431[\"sync,async:x\"]", await ws.ReceiveAsync());
        await ws.SendTextAsync("422[\"other\"]");
        Assert.Equal("432[\"other\"]", await ws.ReceiveAsync());
    }

    [Fact]
    public async Task HandshakeCarriesQueryUrlAddressAndAnAnonymousUser()
    {
        await using var host = await TestHost.StartAsync(setup: io => io.Sockets.OnConnection(socket =>
        {
            socket.On("handshake", e =>
            {
                var h = socket.Handshake;
                e.Ack(new
                {
                    eio = h.Query["EIO"],
                    extra = h.Query["Extra"],
                    url = h.Url,
                    address = h.Address,
                    authenticated = h.User.Identity?.IsAuthenticated,
                    sameUser = ReferenceEquals(h.User, socket.Handshake.User),
                    host = h.Headers["host"],
                });
            });
        }));
        await using var ws = await RawWebSocket.ConnectAsync(host, "EIO=4&transport=websocket&Extra=a%20b&Extra=c");
        await ws.ReceiveAsync();
        await ws.SendTextAsync("40");
        await ws.ReceiveAsync();

        await ws.SendTextAsync("421[\"handshake\"]");
        var reply = await ws.ReceiveAsync();
        using var json = JsonDocument.Parse(reply![3..]);
        var data = json.RootElement[0];
        Assert.Equal("4", data.GetProperty("eio").GetString());
        Assert.Equal("a b,c", data.GetProperty("extra").GetString());
        Assert.Equal("/socket.io/?EIO=4&transport=websocket&Extra=a%20b&Extra=c", data.GetProperty("url").GetString());
        Assert.Equal("127.0.0.1", data.GetProperty("address").GetString());
        Assert.False(data.GetProperty("authenticated").GetBoolean());
        Assert.True(data.GetProperty("sameUser").GetBoolean());
        Assert.Equal(host.BaseUri.Authority, data.GetProperty("host").GetString());
    }

    [Fact]
    public async Task DisconnectedIsCancelledWhenTheClientGoesAndStaysCancelledAfterwards()
    {
        var handlerStopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readAfterClose = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(setup: io => io.Sockets.OnConnection(socket =>
        {
            socket.On("long", async e =>
            {
                var token = socket.Disconnected;
                e.Ack("started");
                try { await Task.Delay(Timeout.Infinite, token); }
                catch (OperationCanceledException) { handlerStopped.TrySetResult(token.IsCancellationRequested); }
            });
            socket.OnDisconnect(_ => readAfterClose.TrySetResult(socket.Disconnected.IsCancellationRequested));
        }));
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);
        await ws.SendTextAsync("421[\"long\"]");
        Assert.Equal("431[\"started\"]", await ws.ReceiveAsync());
        Assert.False(handlerStopped.Task.IsCompleted);

        await ws.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.True(await handlerStopped.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await readAfterClose.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task DisconnectedIsCancelledWhenTheServerDisconnectsTheSocket()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(setup: io => io.Sockets.OnConnection(socket =>
        {
            socket.Disconnected.Register(() => cancelled.TrySetResult());
            socket.On("bye", _ => socket.Disconnect());
        }));
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);
        Assert.False(cancelled.Task.IsCompleted);
        await ws.SendTextAsync("42[\"bye\"]");
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
