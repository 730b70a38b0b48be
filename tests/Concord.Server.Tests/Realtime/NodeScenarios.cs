using Concord.Tests.Shared;

namespace Concord.Server.Tests.Realtime;

/// <summary>Runs the chat scenarios in tests/interop/chat with Node's test runner and the official socket.io-client.</summary>
public static class NodeScenarios
{
    /// <summary>Runs one scenario file; fails with everything it printed, else returns it (for reports).</summary>
    public static async Task<string> RunAsync(string file, IDictionary<string, string> env, TimeSpan? timeout = null)
    {
        await NodeProcess.EnsureInstalledAsync();
        var (code, output) = await NodeProcess.RunAsync("node", ["--test", "--test-force-exit", "--test-reporter=spec", Path.Combine("chat", file)],
            env, timeout ?? TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"node --test chat/{file} failed (exit {code}):\n{output}");
        return output;
    }
}
