using System.Runtime;
using Concord.SocketIO;
using Concord.SocketIO.Adapters.Redis;
using StackExchange.Redis;

// The benchmark host: the same two events as tools/socketio-reference/server.js, nothing else.
//   join  (room, ack)        → joins the room, acks true
//   bcast ({room, payload}, ack) → io.to(room).emit("msg", payload): encoded once, sender included; acks true
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// ASP.NET Core starts an Activity for every request when anything listens, and an enabled logger for the
// hosting diagnostics category counts as listening even at Warning (it checks Critical). A WebSocket request
// lives as long as its connection, so that Activity is ~0.7 KB per idle connection (measured). This host
// has no tracing, so the category is off; a deployment that traces requests pays for it on purpose.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
// SOCKETIO_REDIS (and SOCKETIO_PREFIX): several nodes on one Redis; SOCKETIO_RECOVERY=1: connection-state
// recovery. The crash-recovery test (tests/Concord.SocketIO.Tests/Redis/CrashRecoveryTests.cs) runs nodes so.
builder.Services.AddSocketIO(o =>
{
    if (Environment.GetEnvironmentVariable("SOCKETIO_REDIS") is { Length: > 0 } redis)
    {
        var prefix = Environment.GetEnvironmentVariable("SOCKETIO_PREFIX") is { Length: > 0 } p ? p : "socket.io";
        o.AdapterFactory = RedisAdapter.Factory(ConnectionMultiplexer.Connect(redis), new RedisAdapterOptions { ChannelPrefix = prefix });
    }
    if (Environment.GetEnvironmentVariable("SOCKETIO_RECOVERY") == "1") o.ConnectionStateRecovery = new();
});

// BENCH_KESTREL_INLINE=1: Kestrel's inline scheduling (SocketTransportOptions.UnsafePreferInlineScheduling: application
// code on the thread that completed the read, a flush sent on the flushing thread). Not shipped in Concord.Server: it
// cut the thread-pool hops per event but lost the send coalescing of Kestrel's I/O queues at peak load
// (docs/benchmarks.md, "Thread-pool hops per event").
if (Environment.GetEnvironmentVariable("BENCH_KESTREL_INLINE") == "1")
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);

// WebSockets detached from their upgrade requests, as Concord.Server ships them (Realtime:DetachWebSockets);
// BENCH_DETACH=0 serves them in-request for comparison.
if (Environment.GetEnvironmentVariable("BENCH_DETACH") != "0")
    builder.WebHost.ConfigureKestrel(k => k.UseDetachedWebSockets());

var app = builder.Build();
var io = app.Services.GetRequiredService<SocketIOServer>();
io.Sockets.OnConnection(socket =>
{
    socket.On("join", e =>
    {
        socket.Join(e.Args[0].GetString()!);
        if (e.WantsAck) e.Ack(true);
    });
    socket.On("bcast", e =>
    {
        var message = e.Args[0];
        io.To(message.GetProperty("room").GetString()!).Emit("msg", message.GetProperty("payload"));
        if (e.WantsAck) e.Ack(true);
    });
});
app.MapSocketIO("/socket.io");

// Memory probe for the load tool: a full, compacting, decommitting collection first, so the numbers
// are live data plus what the runtime keeps mapped, not garbage waiting for the next GC.
app.MapGet("/bench/memory", () =>
{
    GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    var info = GC.GetGCMemoryInfo();
    return Results.Json(new MemoryProbe(info.HeapSizeBytes, Environment.WorkingSet, GCSettings.IsServerGC));
});

// Bytes allocated so far (no collection): the load tool reads it around each step for allocation per delivery.
app.MapGet("/bench/allocated", () => Results.Json(GC.GetTotalAllocatedBytes(precise: false)));

// Thread-pool work items completed so far: the load tool reads it around each step for work items (thread-pool hops) per delivery.
app.MapGet("/bench/work-items", () => Results.Json(ThreadPool.CompletedWorkItemCount));

// BENCH_GC_LOG=1: one line per second with the allocation rate, collections and GC pause time, to tell
// allocation and GC pauses apart from scheduling in the latency tail (the script keeps the log with BENCH_OUT).
if (Environment.GetEnvironmentVariable("BENCH_GC_LOG") == "1")
{
    _ = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long allocated = GC.GetTotalAllocatedBytes(), gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        while (await timer.WaitForNextTickAsync())
        {
            long a = GC.GetTotalAllocatedBytes(), c0 = GC.CollectionCount(0), c1 = GC.CollectionCount(1), c2 = GC.CollectionCount(2);
            var p = GC.GetTotalPauseDuration();
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            Console.WriteLine($"gc {DateTime.UtcNow:HH:mm:ss} alloc {(a - allocated) / 1048576.0:0.0} MB/s gen0 {c0 - gen0} gen1 {c1 - gen1} gen2 {c2 - gen2} " +
                $"pause {(p - pause).TotalMilliseconds:0.0} ms (last {info.PauseDurations[0].TotalMilliseconds:0.0} ms gen{info.Generation}) heap {info.HeapSizeBytes / 1048576.0:0} MB " +
                $"threads {ThreadPool.ThreadCount} queued {ThreadPool.PendingWorkItemCount}");
            (allocated, gen0, gen1, gen2, pause) = (a, c0, c1, c2, p);
        }
    });
}

app.Run();

internal sealed record MemoryProbe(long HeapBytes, long RssBytes, bool ServerGc);
