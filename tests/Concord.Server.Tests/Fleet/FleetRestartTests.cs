using Concord.Server.Tests.Realtime;
using Xunit.Abstractions;

namespace Concord.Server.Tests.Fleet;

/// <summary>A rolling restart of a fleet of its own (tests/interop/fleet/rolling-restart.test.mjs) while clients send and listen.</summary>
public sealed class FleetRestartTests(FleetFixture fleet, ITestOutputHelper output) : IClassFixture<FleetFixture>
{
    [Fact]
    public async Task ARollingRestartLosesNoAckedMessageAndClientsRecover()
    {
        var control = Directory.CreateTempSubdirectory("concord-fleet-");
        try
        {
            var scenario = NodeScenarios.RunAsync(Path.Combine("..", "fleet", "rolling-restart.test.mjs"), new Dictionary<string, string>
            {
                ["CONCORD_URL"] = fleet.BalancerUrl,
                ["FLEET_CONTROL_DIR"] = control.FullName,
            }, TimeSpan.FromMinutes(6));
            await WhenFileAsync(Path.Combine(control.FullName, "ready"), scenario);
            await fleet.RollingRestartAsync();
            await File.WriteAllTextAsync(Path.Combine(control.FullName, "restarted"), "");
            // The measured reconnection gaps, for docs/operations.md (a report, not an assertion on time).
            foreach (var line in (await scenario).Split('\n').Where(l => l.Contains("rolling restart:", StringComparison.Ordinal))) output.WriteLine(line.Trim());
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException || !ex.Message.Contains("--- haproxy", StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + fleet.Diagnostics());
        }
        finally
        {
            control.Delete(recursive: true);
        }
    }

    /// <summary>Waits (bounded) for the scenario's marker file; fails at once if the scenario ended first.</summary>
    private static async Task WhenFileAsync(string path, Task scenario)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!File.Exists(path))
        {
            if (scenario.IsCompleted) await scenario;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the scenario did not create {path}");
            await Task.Delay(50);
        }
    }
}
