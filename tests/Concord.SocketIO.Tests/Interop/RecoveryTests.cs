using Concord.SocketIO.Tests.Infrastructure;
using Concord.Tests.Shared;

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

    [Fact]
    public async Task PythonClientHandlersGetExactlyTheEmittedArgumentsWithRecoveryOn()
    {
        // The Debian interpreter: python3-socketio is installed for it, not for another python3 on PATH.
        var env = new Dictionary<string, string> { ["SOCKETIO_URL"] = _host.BaseUri.ToString().TrimEnd('/') };
        var (exitCode, output) = await NodeProcess.RunAsync("/usr/bin/python3", ["python/recovery_args.py"], env, TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"python/recovery_args.py exited with {exitCode}:\n{output}");
    }
}
