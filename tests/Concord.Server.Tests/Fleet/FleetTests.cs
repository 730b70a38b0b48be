using Concord.Server.Tests.Realtime;

namespace Concord.Server.Tests.Fleet;

/// <summary>tests/interop/fleet with the official socket.io-client, through HAProxy in front of three nodes.</summary>
public sealed class FleetTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    [Fact]
    public async Task TheFleetServesChatThroughTheBalancer()
    {
        try
        {
            await NodeScenarios.RunAsync(Path.Combine("..", "fleet", "fleet.test.mjs"), new Dictionary<string, string> { ["CONCORD_URL"] = fleet.BalancerUrl });
        }
        catch (Xunit.Sdk.XunitException ex)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + fleet.Diagnostics());
        }
    }

    [Fact]
    public async Task AnApiOnlyNodeServesNoGatewayAndAGatewayOnlyNodeNoApi()
    {
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"{fleet.Api.Url}/socket.io/?EIO=4&transport=polling")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{fleet.Gateway.Url}/socket.io/?EIO=4&transport=polling")).StatusCode);
        var register = new StringContent("""{"email":"x@example.test","username":"roles_x","password":"password-123"}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.PostAsync($"{fleet.Gateway.Url}/api/auth/register", register)).StatusCode);
        foreach (var node in fleet.Nodes)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{node.Url}/health/ready")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{node.Url}/metrics")).StatusCode);
        }
        // Metrics stay internal: the balancer does not pass them on.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"{fleet.BalancerUrl}/metrics")).StatusCode);
    }
}
