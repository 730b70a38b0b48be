using System.Diagnostics.Metrics;

namespace Concord.SocketIO.EngineIO;

/// <summary>Counters of one Engine.IO server, also published on the "Concord.SocketIO" meter.</summary>
public sealed class EngineIOMetrics
{
    private static readonly Meter Meter = new("Concord.SocketIO");
    private static readonly Counter<long> SlowClients =
        Meter.CreateCounter<long>("socketio.slow_client_disconnects", description: "Clients dropped because their outbound queue was full");

    private long _slowClientDisconnects;

    internal static void InitializeSeries() => SlowClients.Add(0);

    /// <summary>Clients disconnected because they did not read fast enough (outbound queue full).</summary>
    public long SlowClientDisconnects => Interlocked.Read(ref _slowClientDisconnects);

    internal void SlowClientDisconnected()
    {
        Interlocked.Increment(ref _slowClientDisconnects);
        SlowClients.Add(1);
    }
}
