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
    public async Task NamespaceHandlersServeEverySocketWithTheSenderAsTheEventsSocketAfterItsOwnHandlers()
    {
        await using var host = await TestHost.StartAsync(setup: io =>
        {
            io.Sockets.On("who", e => e.Ack(e.Socket.Id));
            io.Sockets.On("ev", e =>
            {
                var order = (List<string>)e.Socket.Data!;
                order.Add("shared");
                e.Ack(string.Join(",", order));
            });
            io.Sockets.OnConnection(socket =>
            {
                socket.Data = new List<string>();
                socket.On("me", e => e.Ack(socket.Id));
                socket.On("ev", e => ((List<string>)socket.Data!).Add("own"));
            });
        });
        await using var first = await RawWebSocket.ConnectNamespaceAsync(host);
        await using var second = await RawWebSocket.ConnectNamespaceAsync(host);

        var ids = new List<string>();
        foreach (var ws in new[] { first, second })
        {
            await ws.SendTextAsync("421[\"me\"]");
            var me = await ws.ReceiveAsync();
            await ws.SendTextAsync("422[\"who\"]");
            var who = await ws.ReceiveAsync();
            Assert.Equal(me![3..], who![3..]);
            ids.Add(who[3..]);
            await ws.SendTextAsync("423[\"ev\"]");
            Assert.Equal("433[\"own,shared\"]", await ws.ReceiveAsync());
        }
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Theory]
    [InlineData(true, "{\"token\":\"t-1\"}")]
    [InlineData(false, "{}")]
    public async Task TheAuthPayloadReachesTheMiddlewareAndStaysAfterwardsOnlyWhenKept(bool keep, string afterwards)
    {
        await using var host = await TestHost.StartAsync(o => o.KeepHandshakeAuth = keep, io =>
        {
            io.Sockets.Use(async (socket, next) =>
            {
                socket.Data = socket.Handshake.Auth.GetProperty("token").GetString();
                await next();
            });
            io.Sockets.OnConnection(socket => socket.On("auth", e => e.Ack(socket.Data, socket.Handshake.Auth.GetRawText())));
        });
        await using var ws = await RawWebSocket.ConnectAsync(host);
        await ws.ReceiveAsync();
        await ws.SendTextAsync("40{\"token\":\"t-1\"}");
        Assert.StartsWith("40", await ws.ReceiveAsync());

        await ws.SendTextAsync("421[\"auth\"]");
        using var reply = JsonDocument.Parse((await ws.ReceiveAsync())![3..]);
        Assert.Equal("t-1", reply.RootElement[0].GetString());
        Assert.Equal(afterwards, reply.RootElement[1].GetString());
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
