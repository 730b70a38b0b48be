using System.Collections.Concurrent;
using System.Net;
using Concord.Server.Infrastructure.Sessions;
using Concord.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Concord.Server.Tests.Observability;

/// <summary>
/// The request log line and the 500 answer, observed through a logger that records what the app writes. Alone in its
/// collection, run after the parallel ones: prometheus-net's registry is per process, so another class's requests to
/// the same route would move the counters this class reads.
/// </summary>
[Collection(nameof(ObservabilityTests))]
public sealed class ObservabilityTests : IClassFixture<ObservabilityTests.LoggedApp>
{
    public sealed class LoggedApp() : ConcordApp(Backend.Sqlite, new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Concord.Requests"] = "Information",
        ["Limits:MaxRequestBodyBytes"] = "2048",
    })
    {
        public RecordingLoggerProvider Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
            builder.ConfigureTestServices(services =>
            {
                // A session store that fails for one cookie: an unexpected exception deep inside a request.
                services.RemoveAll<ISessionStore>();
                services.AddSingleton<ISessionStore>(sp => new ExplodingSessionStore(
                    ActivatorUtilities.CreateInstance<InMemorySessionStoreAccessor>(sp).Inner));
            });
        }
    }

    private readonly LoggedApp _app;
    public ObservabilityTests(LoggedApp app) => _app = app;

    [Fact]
    public async Task EveryRequestLogsOneLineWithRouteTemplateStatusDurationTraceAndUser()
    {
        var user = await _app.NewUser().RegisterAsync();
        var response = await user.GetAsync("/api/auth/me");
        await response.AssertStatusAsync(HttpStatusCode.OK);

        var line = _app.Logs.Entries.Last(e => e.Category == "Concord.Requests" && e.State.Any(kv => kv.Key == "Route" && (string?)kv.Value == "/api/auth/me"));
        var state = line.State.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("GET", state["Method"]);
        Assert.Equal(200, state["Status"]);
        Assert.IsType<double>(state["DurationMs"]);
        Assert.False(string.IsNullOrEmpty((string?)state["TraceId"]));
        Assert.Equal(long.Parse(user.Id), state["UserId"]);
    }

    [Fact]
    public async Task AnUnhandledExceptionIsA500ProblemThatRevealsNothingAndIsLoggedWithItsTraceId()
    {
        var client = _app.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"concord_sid={ExplodingSessionStore.Trigger}");
        var response = await client.GetAsync("/api/auth/me");

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError);
        var body = problem.ToString();
        Assert.DoesNotContain(ExplodingSessionStore.Secret, body);
        Assert.DoesNotContain("Exception", body);
        Assert.Equal("internal_error", problem.GetProperty("code").GetString());
        var traceId = problem.GetProperty("traceId").GetString()!;
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == ExplodingSessionStore.Secret
            && e.State.Any(kv => kv.Key == "TraceId" && (string?)kv.Value == traceId));
    }

    [Fact]
    public async Task EachFailureIsLoggedAndCountedWithTheStatusTheClientReceived()
    {
        var client = _app.CreateClient(new() { HandleCookies = false });
        var exploding = _app.CreateClient(new() { HandleCookies = false });
        exploding.DefaultRequestHeaders.Add("Cookie", $"concord_sid={ExplodingSessionStore.Trigger}");
        var cases = new (int Status, string Method, string Route, Func<Task<HttpResponseMessage>> Send)[]
        {
            (400, "POST", "/api/auth/register", () => client.PostAsync("/api/auth/register", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"))),
            (413, "POST", "/api/auth/register", () => client.PostAsync("/api/auth/register", new StringContent(new string('x', 4096), System.Text.Encoding.UTF8, "application/json"))),
            (415, "POST", "/api/auth/register", () => client.PostAsync("/api/auth/register", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"))),
            (500, "GET", "/api/auth/me", () => exploding.GetAsync("/api/auth/me")),
        };
        foreach (var (status, method, route, send) in cases)
        {
            // 413 (before routing) and 415 (routing's own content-type endpoint) match no route template: the series
            // carries an empty route, never the raw path (unbounded label values); the log line names the path.
            var metricRoute = status is 413 or 415 ? "" : route;
            var series = $"http_server_request_duration_seconds_count{{http_request_method=\"{method}\",http_route=\"{metricRoute}\",http_response_status_code=\"{status}\"}}";
            var before = await MetricsText.ValueAsync(_app.CreateClient(), series);
            var linesBefore = _app.Logs.Entries.Count;

            var response = await send();
            Assert.Equal(status, (int)response.StatusCode);

            // The line (and the sample, recorded just before it) is written once the response has gone out.
            var entry = await _app.Logs.WaitForAsync(e => e.Category == "Concord.Requests"
                && e.State.Any(kv => kv.Key == "Method" && (string?)kv.Value == method)
                && e.State.Any(kv => kv.Key == "Route" && ((string?)kv.Value)!.StartsWith("/api/auth/", StringComparison.Ordinal)), skip: linesBefore);
            var line = entry.State.ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(status, line["Status"]);
            Assert.Equal(route, line["Route"]);
            Assert.Equal(before + 1, await MetricsText.ValueAsync(_app.CreateClient(), series));
        }
    }

    private sealed class ExplodingSessionStore(ISessionStore inner) : ISessionStore
    {
        public const string Trigger = "explode";
        public const string Secret = "connection string password=hunter2";
        public Task<(string SessionId, SessionRecord Record)> CreateAsync(long userId) => inner.CreateAsync(userId);
        public Task<SessionRecord?> GetAsync(string sessionId) =>
            sessionId == Trigger ? throw new InvalidOperationException(Secret) : inner.GetAsync(sessionId);
        public Task DeleteAsync(string sessionId) => inner.DeleteAsync(sessionId);
        public Task DeleteAllForUserAsync(long userId) => inner.DeleteAllForUserAsync(userId);
    }
}

/// <summary>Builds the app's own in-process store for wrapping.</summary>
internal sealed class InMemorySessionStoreAccessor(SessionStoreOptions options, TimeProvider time)
{
    public ISessionStore Inner { get; } = new InMemorySessionStore(options, time);
}

/// <summary>A log call as made; <paramref name="TraceId"/> is the span current at that moment (what the console's scopes print).</summary>
public sealed record LogEntry(string Category, LogLevel Level, IReadOnlyList<KeyValuePair<string, object?>> State, Exception? Exception,
    string? TraceId = null);

public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly SemaphoreSlim _written = new(0);
    public ConcurrentQueue<LogEntry> Entries { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);
    public void Dispose() { }

    /// <summary>The first entry after the first <paramref name="skip"/> that matches, waiting for it to be written (bounded).</summary>
    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, int skip = 0, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (Entries.Skip(skip).FirstOrDefault(match) is { } found) return found;
            await _written.WaitAsync(cts.Token);
        }
    }

    private void Add(LogEntry entry)
    {
        Entries.Enqueue(entry);
        _written.Release();
    }

    private sealed class Logger(string category, RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogEntry(category, logLevel, state as IReadOnlyList<KeyValuePair<string, object?>> ?? [], exception,
                System.Diagnostics.Activity.Current?.TraceId.ToHexString()));
    }
}

public sealed class MetricsTests : IClassFixture<SqliteApp>
{
    private readonly SqliteApp _app;
    public MetricsTests(SqliteApp app) => _app = app;

    [Fact]
    public async Task PrometheusMetricsCountRequestsByRouteAndExportTheGatewayGauge()
    {
        var user = await _app.NewUser().RegisterAsync();
        await (await user.GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);

        var response = await _app.CreateClient().GetAsync("/metrics");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_route=\"/api/auth/me\",http_response_status_code=\"200\"}", text);
        var lines = text.Split('\n');
        foreach (var series in new[]
                 {
                     "concord_realtime_connected_sockets{transport=\"polling\"}", "concord_realtime_connected_sockets{transport=\"websocket\"}",
                     "concord_realtime_present_users{status=\"online\"}", "concord_realtime_present_users{status=\"idle\"}",
                 })
            Assert.Contains(lines, line => line.StartsWith(series + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryConsumedQueueHasItsOutcomesBacklogAndDeadLettersFromTheStart()
    {
        var client = _app.CreateClient();
        foreach (var queue in new[] { "thumbnails", "mentions" })
        {
            var text = await client.GetStringAsync("/metrics");
            Assert.Contains($"concord_jobs_queued{{queue=\"{queue}\"}} 0", text);
            Assert.Contains($"concord_jobs_dead_letters{{queue=\"{queue}\"}} 0", text);
            foreach (var outcome in new[] { "completed", "retried", "dead_lettered" })
                Assert.Matches($"concord_jobs_processed{{(queue=\"{queue}\",outcome=\"{outcome}\"|outcome=\"{outcome}\",queue=\"{queue}\")}} ", text);
        }
    }
}

/// <summary>Reads one series from the Prometheus text exposition (0 when it does not exist yet).</summary>
public static class MetricsText
{
    public static async Task<double> ValueAsync(HttpClient client, string series)
    {
        var text = await client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(nameof(ObservabilityTests), DisableParallelization = true)]
public sealed class ObservabilityTestsRunAlone;
