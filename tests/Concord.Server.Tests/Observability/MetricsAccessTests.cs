using System.Net;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Realtime;

namespace Concord.Server.Tests.Observability;

/// <summary>/metrics over real Kestrel: only from allowed networks, or only on the management port; OpenAPI can be switched off.</summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task MetricsAnswerLoopbackButNotAClientResolvedThroughTheProxyOrAnUnknownProxy()
    {
        using var app = new RealtimeApp(Backend.Sqlite, new Dictionary<string, string?> { ["Proxy:KnownProxies:0"] = "127.0.0.1" });
        using var http = new HttpClient { BaseAddress = new Uri(app.Url) };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(http, "/metrics", ("X-Forwarded-For", "203.0.113.9"))).StatusCode);
        // Through a proxy that is not listed, the header stays and the request is refused although it comes from loopback.
        using var unknownProxy = new RealtimeApp(Backend.Sqlite);
        using var viaUnknown = new HttpClient { BaseAddress = new Uri(unknownProxy.Url) };
        Assert.Equal(HttpStatusCode.NotFound, (await Get(viaUnknown, "/metrics", ("X-Forwarded-For", "127.0.0.1"))).StatusCode);
    }

    [Fact]
    public async Task AnAllowedNetworkMayReadMetricsAndOthersMayNot()
    {
        using var app = new RealtimeApp(Backend.Sqlite, new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies:0"] = "127.0.0.1",
            ["Metrics:AllowedNetworks:0"] = "10.20.0.0/16",
        });
        using var http = new HttpClient { BaseAddress = new Uri(app.Url) };

        var allowed = await Get(http, "/metrics", ("X-Forwarded-For", "10.20.3.4"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await allowed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Get(http, "/metrics", ("X-Forwarded-For", "10.21.3.4"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode); // loopback is no longer listed
    }

    [Fact]
    public async Task WithAManagementPortMetricsAreServedThereOnly()
    {
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["Metrics__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(server.Url + "/metrics")).StatusCode);
        var management = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Equal(HttpStatusCode.OK, management.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await management.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheOpenApiDocumentCanBeSwitchedOff()
    {
        using var off = new ConcordApp(Backend.Sqlite, new Dictionary<string, string?> { ["Api:OpenApiEnabled"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await off.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
        using var on = new ConcordApp(Backend.Sqlite);
        Assert.Equal(HttpStatusCode.OK, (await on.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static Task<HttpResponseMessage> Get(HttpClient http, string path, (string Name, string Value) header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(header.Name, header.Value);
        return http.SendAsync(request);
    }
}
