using Concord.SocketIO.Tests.Infrastructure;
using Concord.SocketIO.Tests.Interop;

namespace Concord.SocketIO.Tests.Redis;

/// <summary>The official client against two nodes on one Redis (tests/interop/cluster.test.mjs).</summary>
public sealed class RedisClusterTests : IAsyncLifetime
{
    private TwoNodes _nodes = null!;

    public async Task InitializeAsync() =>
        // InteropApp's socket.Data is the client's name, read back as a string when it crosses Redis.
        _nodes = await TwoNodes.StartAsync(InteropApp.Configure, InteropApp.Setup, r => r.DataType = typeof(string));

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task OfficialClientsOnTwoNodesSeeRoomsBroadcastsAndBulkOperationsAsOneServer()
    {
        var (exitCode, output) = await NodeRunner.RunScenarioAsync("cluster.test.mjs", _nodes.A.BaseUri, _nodes.B.BaseUri);
        Assert.True(exitCode == 0, $"node --test cluster.test.mjs exited with {exitCode}:\n{output}");
    }
}
