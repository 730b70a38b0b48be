using Concord.SocketIO.Tests.Infrastructure;
using Concord.SocketIO.Tests.Interop;

namespace Concord.SocketIO.Tests.Redis;

/// <summary>
/// Connection-state recovery with sessions and missed packets in Redis: the client drops from
/// node A and comes back on node B (tests/interop/recovery.test.mjs with SOCKETIO_URL_B set).
/// </summary>
public sealed class RedisRecoveryTests : IAsyncLifetime
{
    private TwoNodes _nodes = null!;

    public async Task InitializeAsync() =>
        _nodes = await TwoNodes.StartAsync(RecoveryApp.Configure, RecoveryApp.Setup, r => r.DataType = typeof(string));

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task OfficialClientDroppedFromNodeARecoversOnNodeBWithEveryMissedEventOnce()
    {
        var (exitCode, output) = await NodeRunner.RunScenarioAsync("recovery.test.mjs", _nodes.A.BaseUri, _nodes.B.BaseUri);
        Assert.True(exitCode == 0, $"node --test recovery.test.mjs exited with {exitCode}:\n{output}");
    }
}
