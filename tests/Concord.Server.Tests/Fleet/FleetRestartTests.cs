using Xunit.Abstractions;

namespace Concord.Server.Tests.Fleet;

/// <summary>A rolling restart of a fleet of its own (tests/interop/fleet/rolling-restart.test.mjs) while clients send and listen.</summary>
public sealed class FleetRestartTests(FleetFixture fleet, ITestOutputHelper output) : IClassFixture<FleetFixture>
{
    [Fact]
    public Task ARollingRestartLosesNoAckedMessageAndClientsRecover() =>
        FleetControl.RunAsync(fleet, output, "rolling-restart.test.mjs", "rolling restart", fleet.RollingRestartAsync);
}
