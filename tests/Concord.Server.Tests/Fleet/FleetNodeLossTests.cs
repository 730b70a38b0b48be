using Xunit.Abstractions;

namespace Concord.Server.Tests.Fleet;

/// <summary>A gateway node killed with SIGKILL under load, in a fleet of its own (tests/interop/fleet/node-loss.test.mjs).</summary>
public sealed class FleetNodeLossTests(FleetFixture fleet, ITestOutputHelper output) : IClassFixture<FleetFixture>
{
    [Fact]
    public Task AKilledGatewaysClientsRecoverOnAnotherNodeWithEveryAckedMessage() =>
        FleetControl.RunAsync(fleet, output, "node-loss.test.mjs", "node loss", () =>
        {
            fleet.Gateway.Kill();
            return Task.CompletedTask;
        });
}
