using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Interop;

/// <summary>Connection-state recovery on one node with the in-memory adapter (tests/interop/recovery.test.mjs).</summary>
public sealed class RecoveryTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(RecoveryApp.Configure, RecoveryApp.Setup);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OfficialClientRecoversItsSessionAndMissedEventsOnTheSameNode()
    {
        var (exitCode, output) = await NodeRunner.RunScenarioAsync("recovery.test.mjs", _host.BaseUri);
        Assert.True(exitCode == 0, $"node --test recovery.test.mjs exited with {exitCode}:\n{output}");
    }
}
