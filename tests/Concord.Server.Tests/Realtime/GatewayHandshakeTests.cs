using System.Net;
using System.Text.Json;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Realtime;

public sealed class GatewayHandshakeTests
{
    [Fact]
    public async Task TheGatewayAdvertisesAndEnforcesA64KiBMessageLimit()
    {
        using var app = new ConcordApp(Backend.Sqlite);
        using var http = app.CreateClient();
        var open = await http.GetAsync("/socket.io/?EIO=4&transport=polling");
        await open.AssertStatusAsync(HttpStatusCode.OK);
        var handshake = JsonDocument.Parse((await open.Content.ReadAsStringAsync())[1..]).RootElement;
        Assert.Equal(64 * 1024, handshake.GetProperty("maxPayload").GetInt32());

        var sid = handshake.GetProperty("sid").GetString();
        var tooBig = await http.PostAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}", new StringContent("4" + new string('x', 64 * 1024)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
    }
}
