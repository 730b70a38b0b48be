using Concord.SocketIO.Adapters;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Recovery;

public sealed class InMemoryRecoveryTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(o => o.ConnectionStateRecovery = new() { MaxRetainedPackets = 4 });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SocketIOAdapter Adapter => _host.Server.Sockets.Adapter;

    private static SessionSnapshot Session(string pid, params string[] rooms) => new("sid-" + pid, pid, rooms, "data");

    [Fact]
    public async Task ASessionIsGivenBackOnceWithThePacketsAimedAtItsRooms()
    {
        await _host.Server.To("elsewhere").Emit("e0");
        await Adapter.PersistSessionAsync(Session("p1", "sid-p1", "room"));
        await _host.Server.To("room").Emit("e1");
        await _host.Server.To("elsewhere").Emit("e2");
        await _host.Server.Emit("e3");

        var session = await Adapter.RestoreSessionAsync("p1", "1");
        Assert.NotNull(session);
        Assert.Equal(["sid-p1", "room"], session.Rooms);
        var missed = await Adapter.MissedPacketsAsync(session, "1");
        Assert.Equal(["2", "4"], missed.Select(p => p.Offset));
        Assert.Null(await Adapter.RestoreSessionAsync("p1", "1"));
    }

    [Fact]
    public async Task ASessionWhoseOffsetLeftTheBoundedLogIsNotRecovered()
    {
        await Adapter.PersistSessionAsync(Session("p2", "room"));
        for (var i = 0; i < 5; i++) await _host.Server.To("room").Emit("e", i);

        Assert.Null(await Adapter.RestoreSessionAsync("p2", "1"));
    }

    [Fact]
    public async Task AnUnknownSessionOrOffsetIsNotRecovered()
    {
        await _host.Server.Emit("e");
        await Adapter.PersistSessionAsync(Session("p3", "room"));

        Assert.Null(await Adapter.RestoreSessionAsync("nobody", "1"));
        Assert.Null(await Adapter.RestoreSessionAsync("p3", "not-an-offset"));
    }
}
