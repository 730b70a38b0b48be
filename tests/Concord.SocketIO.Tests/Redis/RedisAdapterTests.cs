using System.Text.Json;
using Concord.SocketIO.Adapters.Redis;
using Concord.SocketIO.Tests.Infrastructure;
using StackExchange.Redis;

namespace Concord.SocketIO.Tests.Redis;

public sealed record Member(string Name, int Level);

/// <summary>What crosses Redis, seen from C#: remote socket snapshots, binary broadcasts, failure modes.</summary>
public sealed class RedisAdapterTests : IAsyncLifetime
{
    private TwoNodes _nodes = null!;

    public async Task InitializeAsync() =>
        _nodes = await TwoNodes.StartAsync(o => o.PingInterval = TimeSpan.FromSeconds(5), io =>
        {
            io.Sockets.Use((socket, next) =>
            {
                socket.Data = new Member(socket.Handshake.Auth.GetProperty("name").GetString()!, 3);
                return next();
            });
            io.Sockets.OnConnection(socket => socket.Join("lobby"));
        }, r => r.DataType = typeof(Member));

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private static async Task<RawWebSocket> ConnectAsync(TestHost host, string name)
    {
        var raw = await RawWebSocket.ConnectAsync(host);
        Assert.StartsWith("0{", await raw.ReceiveAsync());
        await raw.SendTextAsync("40" + JsonSerializer.Serialize(new { name }));
        Assert.StartsWith("40{\"sid\":", await raw.ReceiveAsync());
        return raw;
    }

    [Fact]
    public async Task FetchSocketsOnNodeAReturnsNodeBSocketsWithRoomsTypedDataAndHandshake()
    {
        await using var onA = await ConnectAsync(_nodes.A, "ann");
        await using var onB = await ConnectAsync(_nodes.B, "bob");

        var sockets = await _nodes.A.Server.In("lobby").FetchSockets();

        Assert.Equal(["ann", "bob"], sockets.Select(s => ((Member)s.Data!).Name).Order());
        var bob = sockets.Single(s => ((Member)s.Data!).Name == "bob");
        Assert.Equal(new Member("bob", 3), bob.Data);
        Assert.Contains("lobby", bob.Rooms);
        Assert.Contains(bob.Id, bob.Rooms);
        Assert.Equal("bob", bob.Handshake.Auth.GetProperty("name").GetString());
        Assert.Equal("websocket", bob.Handshake.Query["transport"]);
        Assert.Equal("127.0.0.1", bob.Handshake.Address);
        Assert.Contains("/socket.io/", bob.Handshake.Url);
    }

    [Fact]
    public async Task RemoteSocketOperationsReachTheSocketOnItsNode()
    {
        await using var onB = await ConnectAsync(_nodes.B, "bob");
        var bob = Assert.Single(await _nodes.A.Server.Sockets.FetchSockets());

        await bob.Join("vip");
        await bob.Emit("hello", "vip");

        Assert.Equal("42[\"hello\",\"vip\"]", await onB.ReceiveAsync());
        Assert.Contains("vip", Assert.Single(await _nodes.A.Server.In("vip").FetchSockets()).Rooms);
    }

    [Fact]
    public async Task BinaryBroadcastFromNodeAReachesNodeBWithItsAttachment()
    {
        await using var onB = await ConnectAsync(_nodes.B, "bob");

        await _nodes.A.Server.To("lobby").Emit("file", new { name = "a.bin" }, new byte[] { 1, 2, 3 });

        Assert.Equal("451-[\"file\",{\"name\":\"a.bin\"},{\"_placeholder\":true,\"num\":0}]", await onB.ReceiveAsync());
        Assert.Equal("bin:" + Convert.ToBase64String([1, 2, 3]), await onB.ReceiveAsync());
    }

    [Fact]
    public async Task LocalOperationsStayOnTheirNode()
    {
        await using var onB = await ConnectAsync(_nodes.B, "bob");

        Assert.Empty(await _nodes.A.Server.Sockets.Local.FetchSockets());
        await _nodes.A.Server.Sockets.Local.Emit("lost");
        await _nodes.A.Server.To("lobby").Emit("kept");

        Assert.Equal("42[\"kept\"]", await onB.ReceiveAsync());
    }

    [Fact]
    public async Task FetchSocketsFailsWithTimeoutWhenANodeDoesNotAnswer()
    {
        var nsp = _nodes.A.Server.Of("/timeouts");
        await ((RedisAdapter)nsp.Adapter).Subscribed;
        await using var silent = await TestRedis.ConnectAsync();
        await silent.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"{_nodes.Prefix}#/timeouts#"), (_, _) => { });
        // Redis counts subscribers per connection, so the asking node needs a connection of its own.
        await using var asking = await TestRedis.ConnectAsync();
        var impatient = new RedisAdapter(nsp, asking, new RedisAdapterOptions { ChannelPrefix = _nodes.Prefix, RequestsTimeout = TimeSpan.FromSeconds(2) });
        await impatient.Subscribed;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => impatient.FetchSocketsAsync(new(new HashSet<string>(), new HashSet<string>(), false)));

        Assert.Contains("1 of 2 nodes answered", error.Message);
        impatient.Close();
    }

    [Fact]
    public async Task ConcurrentOfCallsCreateOneAdapter()
    {
        var created = 0;
        await using var host = await TestHost.StartAsync(o =>
        {
            var inner = o.AdapterFactory;
            o.AdapterFactory = (nsp, services) =>
            {
                Interlocked.Increment(ref created);
                return inner(nsp, services);
            };
        });
        using var start = new Barrier(8);
        var namespaces = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return host.Server.Of("/contended");
        })));

        Assert.Single(namespaces.Distinct());
        Assert.Equal(1, created);
    }
}
