using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Realtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Concord.SocketIO;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Concord.Server.Tests.Observability;

/// <summary>Two nodes on one PostgreSQL and one Redis, each exporting spans to memory.</summary>
public sealed class TracingTests
{
    private sealed class TracedNode(ConcurrentQueue<Activity> spans, string? reuseDatabaseOf = null)
        : RealtimeApp(Backend.Postgres, new Dictionary<string, string?> { ["Tracing:Enabled"] = "true" }, reuseDatabaseOf)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(new Exported(spans))));
        }
    }

    /// <summary>The in-memory exporter wants an ICollection; both nodes share one queue (each span arrives once per node's provider).</summary>
    private sealed class Exported(ConcurrentQueue<Activity> spans) : ICollection<Activity>
    {
        public void Add(Activity item) => spans.Enqueue(item);
        public int Count => spans.Count;
        public bool IsReadOnly => false;
        public void Clear() { }
        public bool Contains(Activity item) => spans.Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => spans.CopyTo(array, arrayIndex);
        public bool Remove(Activity item) => false;
        public IEnumerator<Activity> GetEnumerator() => spans.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public async Task OneRestSendIsOneTraceFromTheRequestThroughTheDatabaseAndRedisToDeliveryOnTheOtherNode()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var nodeA = new TracedNode(spans);
        using var nodeB = new TracedNode(spans, reuseDatabaseOf: nodeA.DatabaseName);
        var alice = await nodeA.NewUser().RegisterAsync();
        var bob = await nodeA.NewUser().RegisterAsync();
        var conversation = (await (await alice.PostAsync("/api/conversations", new { userId = bob.Id })).JsonAsync()).GetProperty("id").GetString();
        var token = (await (await bob.PostAsync("/api/auth/token")).JsonAsync()).GetProperty("accessToken").GetString()!;

        using var socket = await EngineIOClient.ConnectAsync(nodeB.Url, token);
        // The send runs inside a recorded span of the test's own, so the trace id is known and its sampling decision
        // does not depend on whatever else in this process listens to HttpClient's diagnostics.
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId traceId;
        using (var root = TestSource.StartActivity("test sends a direct message")!)
        {
            traceId = root.TraceId;
            var sent = await alice.PostAsync($"/api/conversations/{conversation}/messages", new { content = "traced" });
            await sent.AssertStatusAsync(System.Net.HttpStatusCode.Created);
        }
        var delivered = await socket.WaitForEventAsync("new-direct-message");
        Assert.Contains("traced", delivered);

        // The request's server span on node A; everything else hangs below it in one trace.
        var request = await WaitForSpanAsync(spans, s => s.Kind == ActivityKind.Server && s.TraceId == traceId
            && s.DisplayName.StartsWith("POST /api/conversations/", StringComparison.Ordinal));
        var receive = await WaitForSpanAsync(spans, s => s.DisplayName == "socketio receive" && s.TraceId == request.TraceId);
        var trace = spans.Where(s => s.TraceId == request.TraceId).DistinctBy(s => s.SpanId).ToList();

        Assert.Contains(trace, s => (string?)s.GetTagItem("db.system.name") == "postgresql" || (string?)s.GetTagItem("db.system") == "postgresql");
        var publish = Assert.Single(trace, s => s.DisplayName == "socketio publish");
        Assert.Equal(publish.SpanId, receive.ParentSpanId);
        Assert.Equal(1, receive.GetTagItem("socketio.recipients"));
        // One tree below the test's span: every span's parent is the test's span or another span of the trace.
        Assert.All(trace, s => Assert.True(s.ParentSpanId != default, $"{s.DisplayName} has no parent"));
        var roots = trace.Where(s => !trace.Any(p => p.SpanId == s.ParentSpanId)).Select(s => s.ParentSpanId).Distinct().ToList();
        Assert.Single(roots); // the test's own span, which this provider does not export
    }

    private const string TestSourceName = "Concord.Tests";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private sealed class LoggedTracedNode(ConcurrentQueue<Activity> spans) : RealtimeApp(Backend.Sqlite, new Dictionary<string, string?>
    {
        ["Tracing:Enabled"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
    })
    {
        public RecordingLoggerProvider Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => l.AddProvider(Logs));
            builder.ConfigureTestServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(new Exported(spans))));
        }
    }

    [Fact]
    public async Task ASocketEventThatFailsIsLoggedWithTheTraceIdOfItsEventSpan()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var node = new LoggedTracedNode(spans);
        var user = await node.NewUser().RegisterAsync();
        var token = (await (await user.PostAsync("/api/auth/token")).JsonAsync()).GetProperty("accessToken").GetString()!;
        // A handler that fails, added beside the gateway's own: the library logs the failure.
        node.Services.GetRequiredService<SocketIOServer>().Sockets.OnConnection(s =>
        {
            s.On("explode", (Func<SocketIOEvent, Task>)(_ => throw new InvalidOperationException("handler failed (test)")));
            return Task.CompletedTask;
        });
        using var socket = await EngineIOClient.ConnectAsync(node.Url, token);
        await socket.EmitAsync("explode", "{}");

        var span = await WaitForSpanAsync(spans, s => s.DisplayName == "socketio event explode");
        var line = await node.Logs.WaitForAsync(e => e.Level >= LogLevel.Warning && e.TraceId == span.TraceId.ToHexString());
        Assert.NotNull(line.TraceId);
    }

    [Fact]
    public async Task AJobRunsInTheTraceOfTheRequestThatEnqueuedIt()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var node = new LoggedTracedNode(spans);
        var alice = await node.NewUser().RegisterAsync();
        var bob = await node.NewUser().RegisterAsync();
        var server = (await (await alice.PostAsync("/api/servers", new { name = "traced" })).JsonAsync()).GetProperty("id").GetString();
        var invite = (await (await alice.PostAsync($"/api/servers/{server}/invites", new { })).JsonAsync()).GetProperty("code").GetString();
        await (await bob.PostAsync("/api/servers/join", new { inviteCode = invite })).AssertStatusAsync(System.Net.HttpStatusCode.OK);
        var channel = (await (await alice.GetAsync($"/api/servers/{server}")).JsonAsync()).GetProperty("channels")[0].GetProperty("id").GetString();

        var sent = await alice.PostAsync($"/api/channels/{channel}/messages", new { content = $"hey <@{bob.Id}>" });
        await sent.AssertStatusAsync(System.Net.HttpStatusCode.Created);

        var messageId = (await sent.JsonAsync()).GetProperty("id").GetString();

        // This provider also records other test hosts' requests and jobs (activity listeners are process-wide): this
        // message's job is the one carrying its id, and the send is the request span in the job's trace.
        var job = await WaitForSpanAsync(spans, s => s.DisplayName == "job mentions" && (string?)s.GetTagItem("messaging.message.id") == $"mention:{messageId}");
        var request = await WaitForSpanAsync(spans, s => s.Kind == ActivityKind.Server && s.TraceId == job.TraceId
            && s.DisplayName.StartsWith("POST /api/channels/", StringComparison.Ordinal));
        Assert.Equal(ActivityKind.Consumer, job.Kind);
        Assert.Equal(1, job.GetTagItem("concord.job.attempt"));
        // Under the request: its parent is the request's span or one of the request's descendants.
        var trace = spans.Where(s => s.TraceId == request.TraceId).DistinctBy(s => s.SpanId).ToDictionary(s => s.SpanId);
        var ancestor = job;
        while (ancestor.ParentSpanId != request.SpanId && trace.TryGetValue(ancestor.ParentSpanId, out var up)) ancestor = up;
        Assert.Equal(request.SpanId, ancestor.ParentSpanId);
    }

    private static async Task<Activity> WaitForSpanAsync(ConcurrentQueue<Activity> spans, Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (spans.FirstOrDefault(match) is { } found) return found;
            Assert.True(DateTime.UtcNow < deadline, "span not exported in time:\n" + string.Join('\n', spans.Select(s => $"{s.TraceId} {s.Kind} {s.DisplayName} {s.ActivityTraceFlags}")));
            await Task.Delay(20); // the exporter runs on the node's own threads: poll the condition
        }
    }
}

/// <summary>A minimal Socket.IO v5 client over one Engine.IO WebSocket: enough to connect with a token and wait for an event.</summary>
internal sealed class EngineIOClient : IDisposable
{
    private readonly ClientWebSocket _ws = new();

    public static async Task<EngineIOClient> ConnectAsync(string url, string token)
    {
        var client = new EngineIOClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client._ws.ConnectAsync(new Uri(url.Replace("http://", "ws://", StringComparison.Ordinal) + "/socket.io/?EIO=4&transport=websocket"), cts.Token);
        Assert.StartsWith("0", await client.ReceiveAsync(cts.Token)); // Engine.IO open
        await client.SendAsync($$"""40{"token":"{{token}}"}""", cts.Token);
        Assert.StartsWith("40", await client.ReceiveAsync(cts.Token)); // namespace connected
        return client;
    }

    public async Task<string> WaitForEventAsync(string name)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await ReceiveAsync(cts.Token);
            if (message == "2") await SendAsync("3", cts.Token); // ping → pong
            else if (message.StartsWith($"42[\"{name}\"", StringComparison.Ordinal)) return message;
        }
    }

    public Task EmitAsync(string eventName, string jsonArgument) =>
        SendAsync($"42[\"{eventName}\",{jsonArgument}]", CancellationToken.None);

    private Task SendAsync(string text, CancellationToken ct) =>
        _ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    private async Task<string> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await _ws.ReceiveAsync(buffer.AsMemory(length), ct) is var r ? new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage) : null!;
            length += result.Count;
        } while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public void Dispose() => _ws.Dispose();
}
