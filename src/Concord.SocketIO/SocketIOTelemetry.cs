using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Concord.SocketIO;

/// <summary>
/// Traces and metrics of the Socket.IO server, on the "Concord.SocketIO" activity source and meter: a span per
/// event handled and per broadcast published or received from another node (the publisher's trace context travels
/// in the Redis adapter's message, so a broadcast and its delivery elsewhere are one trace). Nothing is recorded
/// unless a listener (OpenTelemetry, prometheus-net's meter adapter) subscribes.
/// </summary>
public static class SocketIOTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string Name = "Concord.SocketIO";

    internal static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> EventsIn = Meter.CreateCounter<long>("socketio.events.received", "{event}", "Client events handled, by event name.");
    // Observable counters report their totals at every collection, zero included, so the series exist (and
    // dashboards and alerts see them) before the first broadcast, recovery or drop.
    private static readonly string[] RecoveryResults = ["recovered", "missed", "failed"];
    private static readonly long[] RecoveryCounts = new long[RecoveryResults.Length];
    // Per event name; names come from server code (Emit), so the set stays small.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox<long>> BroadcastsByEvent = new();
    private static readonly Histogram<long> FanOut = Meter.CreateHistogram<long>("socketio.broadcast.recipients", "{socket}",
        "Sockets of this node a broadcast was delivered to (local and from other nodes).");

    static SocketIOTelemetry()
    {
        Meter.CreateObservableCounter("socketio.broadcasts", () => BroadcastsByEvent.Select(kv =>
                new Measurement<long>(Interlocked.Read(ref kv.Value.Value), new KeyValuePair<string, object?>("socketio.event", kv.Key))),
            "{broadcast}", "Broadcasts emitted by this node (to its own sockets and, with the Redis adapter, to the other nodes), by event name.");
        Meter.CreateObservableCounter("socketio.recoveries", () => RecoveryResults.Select((result, i) =>
                new Measurement<long>(Interlocked.Read(ref RecoveryCounts[i]), new KeyValuePair<string, object?>("result", result))),
            "{attempt}", "Connection-state recovery attempts by result: recovered, missed (session expired or offset gone), failed (adapter error).");
        EngineIO.EngineIOMetrics.Register(Meter);
    }

    /// <summary>Creates the instruments now (they are static), so an exporter listening from start-up shows every series at zero.</summary>
    public static void InitializeSeries() => Source.HasListeners();

    internal static void RecoveryAttempted(string result) => Interlocked.Increment(ref RecoveryCounts[Array.IndexOf(RecoveryResults, result)]);

    internal static void Broadcast(string eventName) =>
        Interlocked.Increment(ref BroadcastsByEvent.GetOrAdd(eventName, static _ => new StrongBox<long>()).Value);

    internal static Activity? StartEvent(string nsp, string eventName, bool hasAck)
    {
        EventsIn.Add(1, new KeyValuePair<string, object?>("socketio.event", eventName));
        var activity = Source.StartActivity("socketio event " + eventName, ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("socketio.namespace", nsp);
            activity.SetTag("socketio.event", eventName);
            activity.SetTag("socketio.ack", hasAck);
        }
        return activity;
    }

    internal static Activity? StartPublish(string nsp)
    {
        var activity = Source.StartActivity("socketio publish", ActivityKind.Producer);
        activity?.SetTag("socketio.namespace", nsp);
        return activity;
    }

    /// <summary>A broadcast from another node, as a child of the publisher's span when its context came along.</summary>
    internal static Activity? StartReceive(string nsp, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity("socketio receive", ActivityKind.Consumer, parent);
        activity?.SetTag("socketio.namespace", nsp);
        return activity;
    }

    internal static void Delivered(int recipients)
    {
        FanOut.Record(recipients);
        Activity.Current?.SetTag("socketio.recipients", recipients);
    }

    /// <summary>The W3C traceparent of the current span, when it is recorded (tracing is on).</summary>
    internal static string? CurrentTraceParent() => Activity.Current is { Recorded: true } a ? a.Id : null;
}
