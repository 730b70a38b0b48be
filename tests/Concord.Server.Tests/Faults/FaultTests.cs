using Concord.Tests.Shared;

namespace Concord.Server.Tests.Faults;

/// <summary>
/// The fault group: real processes, not mocks. tests/interop/faults starts its own PostgreSQL and Redis (the suite's
/// shared ones serve other tests meanwhile) and two Concord nodes as `dotnet Concord.Server.dll`, then stops Redis,
/// stops PostgreSQL for ~10 s and kills a node with SIGKILL, asserting fast 503s, recovery, and no lost message.
/// Run alone with `./test.sh --filter FullyQualifiedName~Faults`.
/// </summary>
public sealed class FaultTests
{
    [Fact]
    public async Task RedisOutagePostgresOutageAndAKilledNodeFailFastRecoverAndLoseNoMessage()
    {
        await NodeProcess.EnsureInstalledAsync();
        var (code, output) = await NodeProcess.RunAsync("node", ["--test", "--test-force-exit", "--test-reporter=spec", Path.Combine("faults", "faults.test.mjs")],
            new Dictionary<string, string> { ["CONCORD_SERVER_DLL"] = ServerDll() }, TimeSpan.FromMinutes(10));
        Assert.True(code == 0, $"node --test faults/faults.test.mjs failed (exit {code}):\n{output}");
    }

    /// <summary>The server built next to this test assembly: src/Concord.Server/bin/&lt;configuration&gt;/&lt;tfm&gt;/Concord.Server.dll.</summary>
    private static string ServerDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = bin.Name;
        var configuration = bin.Parent!.Name;
        var root = Path.GetDirectoryName(NodeProcess.InteropDirectory.TrimEnd(Path.DirectorySeparatorChar))!; // tests/
        var dll = Path.Combine(Path.GetDirectoryName(root)!, "src", "Concord.Server", "bin", configuration, tfm, "Concord.Server.dll");
        Assert.True(File.Exists(dll), $"{dll} not found: build the solution first");
        return dll;
    }
}
