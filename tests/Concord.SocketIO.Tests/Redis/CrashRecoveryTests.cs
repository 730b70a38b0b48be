using Concord.SocketIO.Tests.Infrastructure;
using Concord.SocketIO.Tests.Interop;

namespace Concord.SocketIO.Tests.Redis;

/// <summary>
/// Connection-state recovery survives a node crash: two node processes on one Redis, the official client on node
/// A, A killed with SIGKILL (tests/interop/crash.test.mjs does the kill), the client recovered on node B.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly Dictionary<string, string> _env = new()
    {
        ["SOCKETIO_REDIS"] = TestRedis.ConnectionString,
        ["SOCKETIO_PREFIX"] = TestRedis.UniquePrefix(),
        ["SOCKETIO_RECOVERY"] = "1",
    };
    private NodeProcessHost _a = null!, _b = null!;

    public async Task InitializeAsync()
    {
        var starting = (NodeProcessHost.StartAsync(_env), NodeProcessHost.StartAsync(_env));
        (_a, _b) = (await starting.Item1, await starting.Item2);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task ClientOfAKilledNodeRecoversOnAnotherNodeWithEveryEventItMissed()
    {
        await NodeRunner.EnsureInstalledAsync();
        var env = new Dictionary<string, string>
        {
            ["SOCKETIO_URL"] = _a.BaseUri.ToString().TrimEnd('/'),
            ["SOCKETIO_URL_B"] = _b.BaseUri.ToString().TrimEnd('/'),
            ["SOCKETIO_KILL_PID"] = _a.ProcessId.ToString(),
        };
        var (exitCode, output) = await Concord.Tests.Shared.NodeProcess.RunAsync("node", ["--test", "--test-reporter=spec", "crash.test.mjs"], env, TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"node --test crash.test.mjs exited with {exitCode}:\n{output}");
        await _a.Process.WaitForExitAsync();
        Assert.Equal(128 + 9, _a.Process.ExitCode); // killed by SIGKILL, not stopped
    }
}
