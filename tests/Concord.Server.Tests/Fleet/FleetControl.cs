using Concord.Server.Tests.Realtime;
using Xunit.Abstractions;

namespace Concord.Server.Tests.Fleet;

/// <summary>
/// Runs a fleet scenario (tests/interop/fleet/*.test.mjs) while the host acts on the nodes: the scenario writes the
/// marker file <c>ready</c> when its clients listen, the host then acts (<paramref name="act"/>) and writes <c>done</c>.
/// The scenario's report lines go to the test output (measurements, not assertions on time).
/// </summary>
internal static class FleetControl
{
    public static async Task RunAsync(FleetFixture fleet, ITestOutputHelper output, string script, string reportLabel, Func<Task> act)
    {
        var control = Directory.CreateTempSubdirectory("concord-fleet-");
        try
        {
            var scenario = NodeScenarios.RunAsync(Path.Combine("..", "fleet", script), new Dictionary<string, string>
            {
                ["CONCORD_URL"] = fleet.BalancerUrl,
                ["FLEET_CONTROL_DIR"] = control.FullName,
            }, TimeSpan.FromMinutes(6));
            await WhenFileAsync(Path.Combine(control.FullName, "ready"), scenario);
            await act();
            await File.WriteAllTextAsync(Path.Combine(control.FullName, "done"), "");
            foreach (var line in (await scenario).Split('\n').Where(l => l.Contains(reportLabel + ":", StringComparison.Ordinal)))
                output.WriteLine(line.Trim());
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
