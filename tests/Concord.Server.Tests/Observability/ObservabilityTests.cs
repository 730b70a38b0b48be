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

/// <summary>The request log line and the 500 answer, observed through a logger that records what the app writes.</summary>
public sealed class ObservabilityTests : IClassFixture<ObservabilityTests.LoggedApp>
{
    public sealed class LoggedApp() : ConcordApp(Backend.Sqlite, new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Concord.Requests"] = "Information",
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

public sealed record LogEntry(string Category, LogLevel Level, IReadOnlyList<KeyValuePair<string, object?>> State, Exception? Exception);

public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);
    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel,
                state as IReadOnlyList<KeyValuePair<string, object?>> ?? [], exception));
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
        Assert.Contains("http_requests_received_total{code=\"2xx\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/api/auth/me\"}", text);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("concord_realtime_connected_sockets ", StringComparison.Ordinal));
    }
}
