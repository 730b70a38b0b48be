using System.Net;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Tests.Messages;

namespace Concord.Server.Tests.RateLimiting;

/// <summary>Per-IP limit on sign-in routes and the general per-user API limit (one app per test: they share an IP).</summary>
public abstract class HttpRateLimitTests(Backend backend)
{
    private ConcordApp Limited(int auth, int api, int handshakes = 1000) => new(backend, new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "true",
        ["RateLimiting:Auth:PermitLimit"] = auth.ToString(),
        ["RateLimiting:Auth:Window"] = "00:05:00",
        ["RateLimiting:Api:PermitLimit"] = api.ToString(),
        ["RateLimiting:Api:Window"] = "00:05:00",
        ["RateLimiting:Handshakes:PermitLimit"] = handshakes.ToString(),
        ["RateLimiting:Handshakes:Window"] = "00:05:00",
    });

    [Fact]
    public async Task NewRealtimeSessionsAreLimitedPerIpWhileOpenSessionsKeepPolling()
    {
        using var app = Limited(auth: 1000, api: 1000, handshakes: 2);
        using var http = app.CreateClient();
        const string handshake = "/socket.io/?EIO=4&transport=polling";
        var sids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var open = await http.GetAsync(handshake);
            await open.AssertStatusAsync(HttpStatusCode.OK);
            var body = await open.Content.ReadAsStringAsync();
            Assert.StartsWith("0{", body);
            sids.Add(System.Text.Json.JsonDocument.Parse(body[1..]).RootElement.GetProperty("sid").GetString()!);
        }

        var refused = await http.GetAsync(handshake);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.NotNull(MessageRateLimitTests.Header(refused, "Retry-After"));

        // An open session's requests are not handshakes: a CONNECT for the default namespace is still accepted
        // (answered by connect_error, as it carries no credentials, which proves it reached the gateway).
        var post = await http.PostAsync($"{handshake}&sid={sids[0]}", new StringContent("40"));
        await post.AssertStatusAsync(HttpStatusCode.OK);
        var poll = await http.GetAsync($"{handshake}&sid={sids[0]}");
        await poll.AssertStatusAsync(HttpStatusCode.OK);
        Assert.StartsWith("44{", await poll.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NewWebSocketSessionsAreLimitedPerIpToo()
    {
        using var app = Limited(auth: 1000, api: 1000, handshakes: 2);
        var client = app.Server.CreateWebSocketClient();
        var uri = new Uri("ws://localhost/socket.io/?EIO=4&transport=websocket");
        var open = new List<System.Net.WebSockets.WebSocket>();
        for (var i = 0; i < 2; i++) open.Add(await client.ConnectAsync(uri, CancellationToken.None));

        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => client.ConnectAsync(uri, CancellationToken.None));
        Assert.Contains("429", refused.Message);
        foreach (var ws in open) ws.Abort();
    }

    [Fact]
    public async Task SignInRoutesAreLimitedPerIpAndARefusedRegisterWritesNothing()
    {
        using var app = Limited(auth: 2, api: 1000);
        var user = await app.NewUser().RegisterAsync();
        var login = await app.NewUser().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password });
        await login.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("2", MessageRateLimitTests.Header(login, "X-RateLimit-Limit"));
        Assert.Equal("0", MessageRateLimitTests.Header(login, "X-RateLimit-Remaining"));

        var name = TestUser.UniqueName();
        var refused = await app.NewUser().PostAsync("/api/auth/register", new { email = $"{name}@example.test", username = name, password = "password-123" });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(MessageRateLimitTests.Header(refused, "Retry-After")), 1, 300);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Username == name)));
    }

    [Fact]
    public async Task AuthenticatedApiRequestsAreLimitedPerUser()
    {
        using var app = Limited(auth: 1000, api: 3);
        var user = await app.NewUser().RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            var ok = await user.GetAsync("/api/conversations");
            await ok.AssertStatusAsync(HttpStatusCode.OK);
            Assert.Equal((2 - i).ToString(), MessageRateLimitTests.Header(ok, "X-RateLimit-Remaining"));
        }
        var refused = await user.PostAsync("/api/conversations", new { userId = user.Id });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(MessageRateLimitTests.Header(refused, "Retry-After"));
        // Another user is counted separately.
        var other = await app.NewUser().RegisterAsync();
        await (await other.GetAsync("/api/conversations")).AssertStatusAsync(HttpStatusCode.OK);
    }
}

public sealed class HttpRateLimitTestsOnPostgres() : HttpRateLimitTests(Backend.Postgres);
public sealed class HttpRateLimitTestsOnSqlite() : HttpRateLimitTests(Backend.Sqlite);
