using System.Runtime;
using Concord.SocketIO;

// The benchmark host: the same two events as tools/socketio-reference/server.js, nothing else.
//   join  (room, ack)        → joins the room, acks true
//   bcast ({room, payload})  → io.to(room).emit("msg", payload): encoded once, sender included
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSocketIO();

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

app.Run();

internal sealed record MemoryProbe(long HeapBytes, long RssBytes, bool ServerGc);
