using System.Net;
using System.Net.Http.Json;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Realtime;

namespace Concord.Server.Tests.Auth;

/// <summary>Behind nginx: believe X-Forwarded-* only from the configured proxies (a real Kestrel, so requests have a remote address).</summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task BehindAKnownProxyCookiesAreSecureAndPerIpLimitsSeeTheClient()
    {
        using var app = new RealtimeApp(Backend.Sqlite, new Dictionary<string, string?>
        {
            ["Proxy:KnownProxies:0"] = "127.0.0.1",
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:Auth:PermitLimit"] = "2",
        });
        using var http = new HttpClient { BaseAddress = new Uri(app.Url) };

        var register = await SendAsync(http, "/api/auth/register", "203.0.113.7",
            new { email = "proxied@example.test", username = "proxied", password = "password-123" });
        await register.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Contains("secure", register.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);

        await (await SendAsync(http, "/api/auth/login", "203.0.113.7", new { email = "proxied@example.test", password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await SendAsync(http, "/api/auth/login", "203.0.113.7", new { email = "proxied@example.test", password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.TooManyRequests);
        // Another client behind the same proxy has its own budget.
        await (await SendAsync(http, "/api/auth/login", "203.0.113.8", new { email = "proxied@example.test", password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WithoutConfiguredProxiesForwardedHeadersAreIgnored()
    {
        using var app = new RealtimeApp(Backend.Sqlite);
        using var http = new HttpClient { BaseAddress = new Uri(app.Url) };
        var register = await SendAsync(http, "/api/auth/register", "203.0.113.7",
            new { email = "direct@example.test", username = "direct", password = "password-123" });
        await register.AssertStatusAsync(HttpStatusCode.Created);
        Assert.DoesNotContain("secure", register.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string clientIp, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", clientIp);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return http.SendAsync(request);
    }
}
