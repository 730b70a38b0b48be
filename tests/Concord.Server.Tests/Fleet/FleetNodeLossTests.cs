using Concord.Server.Tests.Realtime;
using Xunit.Abstractions;

namespace Concord.Server.Tests.Fleet;

/// <summary>A gateway node killed with SIGKILL under load, in a fleet of its own (tests/interop/fleet/node-loss.test.mjs).</summary>
public sealed class FleetNodeLossTests(FleetFixture fleet, ITestOutputHelper output) : IClassFixture<FleetFixture>
{
    [Fact]
    public async Task AKilledGatewaysClientsRecoverOnAnotherNodeWithEveryAckedMessage()
    {
        var control = Directory.CreateTempSubdirectory("concord-fleet-");
        try
        {
            var scenario = NodeScenarios.RunAsync(Path.Combine("..", "fleet", "node-loss.test.mjs"), new Dictionary<string, string>
            {
                ["CONCORD_URL"] = fleet.BalancerUrl,
                ["FLEET_CONTROL_DIR"] = control.FullName,
            }, TimeSpan.FromMinutes(6));
            await FleetControl.WhenFileAsync(Path.Combine(control.FullName, "ready"), scenario);
            fleet.Gateway.Kill();
            await File.WriteAllTextAsync(Path.Combine(control.FullName, "killed"), "");
            foreach (var line in (await scenario).Split('\n').Where(l => l.Contains("node loss:", StringComparison.Ordinal))) output.WriteLine(line.Trim());
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
}
