using System.Diagnostics.Metrics;

namespace Concord.SocketIO.EngineIO;

/// <summary>Counters of one Engine.IO server, also published on the "Concord.SocketIO" meter.</summary>
public sealed class EngineIOMetrics
{
    private static long _slowClientsTotal;

    /// <summary>Publishes the process-wide total on the library's meter (see <see cref="SocketIOTelemetry"/>).</summary>
    internal static void Register(Meter meter) =>
        meter.CreateObservableCounter("socketio.slow_client_disconnects", () => Interlocked.Read(ref _slowClientsTotal), "{client}",
            "Clients dropped because their outbound queue was full");

    private long _slowClientDisconnects;


    /// <summary>Clients disconnected because they did not read fast enough (outbound queue full).</summary>
    public long SlowClientDisconnects => Interlocked.Read(ref _slowClientDisconnects);

    internal void SlowClientDisconnected()
    {
        Interlocked.Increment(ref _slowClientDisconnects);
        Interlocked.Increment(ref _slowClientsTotal);
    }
}
