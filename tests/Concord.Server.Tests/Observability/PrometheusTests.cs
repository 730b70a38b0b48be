using System.Net;
using System.Text.Json;
using Concord.Server.Infrastructure.Sessions;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Realtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Concord.Server.Tests.Observability;

/// <summary>
/// The real Prometheus that ./test.sh starts (tests/services/prometheus.sh) scrapes a Concord node on Kestrel:
/// every panel of deploy/grafana/concord.json must return data after a short workload (on PostgreSQL + Redis, the
/// production shape, so the pool and dependency panels have series), and the 5xx alert of
/// deploy/prometheus/alerts.yml must fire once the node fails.
/// </summary>
public sealed class PrometheusTests
{
    private sealed class FaultyNode() : RealtimeApp(Backend.Postgres, new Dictionary<string, string?>
    {
        ["Metrics:HealthCheckPeriod"] = "00:00:01",
        // The fault's hundreds of 500s would each print a stack trace.
        ["Logging:LogLevel:Concord.Server.Infrastructure.Errors"] = "Critical",
    })
    {
        public FailingSwitch Switch { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                // The test-only fault: while switched on, every session lookup throws, so each signed-in request is a 500.
                services.RemoveAll<ISessionStore>();
                services.AddSingleton<ISessionStore>(sp => new SwitchableSessionStore(
                    ActivatorUtilities.CreateInstance<InMemorySessionStoreAccessor>(sp).Inner, Switch));
            });
        }
    }

    public sealed class FailingSwitch { public volatile bool On; }

    private sealed class SwitchableSessionStore(ISessionStore inner, FailingSwitch fault) : ISessionStore
    {
        public Task<(string SessionId, SessionRecord Record)> CreateAsync(long userId) => inner.CreateAsync(userId);
        public Task<SessionRecord?> GetAsync(string sessionId) => fault.On ? throw new InvalidOperationException("session store down (test fault)") : inner.GetAsync(sessionId);
        public Task DeleteAsync(string sessionId) => inner.DeleteAsync(sessionId);
        public Task DeleteAllForUserAsync(long userId) => inner.DeleteAllForUserAsync(userId);
    }

    [Fact]
    public async Task EveryDashboardPanelReturnsDataAndTheErrorRateAlertFiresWhenTheNodeFails()
    {
        var prometheus = new PrometheusClient(TestEnvironment.Prometheus);
        using var node = new FaultyNode();
        var instance = new Uri(node.Url).Authority;
        var targets = Path.Combine(TestEnvironment.PrometheusTargets, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(targets, JsonSerializer.Serialize(new[] { new { targets = new[] { instance } } }));
        try
        {
            await prometheus.WaitForDataAsync($"up{{instance=\"{instance}\"}} == 1");
            await WorkloadAsync(node);

            var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fleet.FleetFixture.RepoRoot, "deploy", "grafana", "concord.json")));
            var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
            Assert.True(panels.Count >= 12);
            foreach (var panel in panels)
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    var expr = target.GetProperty("expr").GetString()!
                        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                        .Replace("$instance", Regex(instance), StringComparison.Ordinal);
                    await prometheus.WaitForDataAsync(expr, $"panel \"{panel.GetProperty("title").GetString()}\"");
                }

            var user = await node.NewUser().RegisterAsync();
            node.Switch.On = true; // from now on every use of the session fails
            // The node keeps failing while clients keep calling, until the alert fires (a new series' first value
            // is no increase to rate(), so a single burst would not do; neither would it in production).
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!await prometheus.HasDataAsync("ALERTS{alertname=\"ConcordHighErrorRate\",alertstate=\"firing\"}"))
            {
                Assert.True(DateTime.UtcNow < deadline, "ConcordHighErrorRate did not fire within 90 s of the node failing");
                for (var i = 0; i < 5; i++)
                    Assert.Equal(HttpStatusCode.InternalServerError, (await user.GetAsync("/api/auth/me")).StatusCode);
                await Task.Delay(200); // pacing the failing traffic (about 25 requests a second), not waiting for a result
            }
        }
        finally
        {
            File.Delete(targets);
        }
    }

    [Fact]
    public async Task TheAlertRulesAreValidAndEachFiresAndStaysSilentInPromtoolsUnitTests()
    {
        var folder = Path.Combine(Fleet.FleetFixture.RepoRoot, "deploy", "prometheus");
        var (checkCode, check) = await RunAsync("promtool", folder, "check", "rules", "alerts.yml");
        Assert.True(checkCode == 0, check);
        var (testCode, test) = await RunAsync("promtool", folder, "test", "rules", "alerts.test.yml");
        Assert.True(testCode == 0, test);
        Assert.Contains("SUCCESS", test);
        // Every alert of alerts.yml has a unit test that expects it to fire.
        var alerts = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Path.Combine(folder, "alerts.yml")), @"- alert: (\w+)");
        var tests = await File.ReadAllTextAsync(Path.Combine(folder, "alerts.test.yml"));
        Assert.NotEmpty(alerts);
        // … and a runbook section in docs/operations.md, which its runbook annotation links to.
        var operations = await File.ReadAllLinesAsync(Path.Combine(Fleet.FleetFixture.RepoRoot, "docs", "operations.md"));
        foreach (System.Text.RegularExpressions.Match alert in alerts)
        {
            Assert.Contains($"runbook: \"docs/operations.md#{alert.Groups[1].Value.ToLowerInvariant()}\"", tests);
            Assert.Contains($"### {alert.Groups[1].Value}", operations);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string command, string folder, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(command, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Regex(string instance) => instance.Replace(".", "\\\\.", StringComparison.Ordinal);

    /// <summary>A little of everything the dashboard shows: REST reads and writes, errors, a socket with events and broadcasts.</summary>
    private static async Task WorkloadAsync(RealtimeApp node)
    {
        var alice = await node.NewUser().RegisterAsync();
        var bob = await node.NewUser().RegisterAsync();
        var conversation = (await (await alice.PostAsync("/api/conversations", new { userId = bob.Id })).JsonAsync()).GetProperty("id").GetString();
        var token = (await (await bob.PostAsync("/api/auth/token")).JsonAsync()).GetProperty("accessToken").GetString()!;
        using var socket = await EngineIOClient.ConnectAsync(node.Url, token);
        await socket.EmitAsync("typing-start", $$"""{"conversationId":"{{conversation}}"}""");
        for (var i = 0; i < 3; i++)
            await (await alice.PostAsync($"/api/conversations/{conversation}/messages", new { content = $"m{i}" })).AssertStatusAsync(HttpStatusCode.Created);
        await socket.WaitForEventAsync("new-direct-message");
        await (await alice.GetAsync($"/api/conversations/{conversation}/messages")).AssertStatusAsync(HttpStatusCode.OK);
        await (await alice.GetAsync("/api/servers/1")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

/// <summary>Instant queries against Prometheus's HTTP API.</summary>
internal sealed class PrometheusClient(string url)
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<bool> HasDataAsync(string query)
    {
        var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Prometheus refused {query}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0;
    }

    /// <summary>Re-runs the query until it returns at least one series (scrapes and rule evaluations happen every second), bounded.</summary>
    public async Task WaitForDataAsync(string query, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string last;
        while (true)
        {
            var response = await _http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
            last = await response.Content.ReadAsStringAsync();
            // A syntax error or an unknown function is a 400 at once: no point waiting.
            Assert.True(response.IsSuccessStatusCode, $"{what ?? query}: Prometheus refused the query: {last}");
            if (JsonDocument.Parse(last).RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0) return;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(250); // the next scrape or evaluation is what we wait for
        }
        Assert.Fail($"{what ?? query} returned no data within 90 s: {query}\n{last}");
    }
}
