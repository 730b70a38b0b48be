namespace Concord.SocketIO;

/// <summary>
/// Connection-state recovery (Socket.IO ≥ 4.6): a client that drops for a network reason and
/// reconnects within <see cref="MaxDisconnectionDuration"/> gets its id, rooms and <c>Data</c>
/// back, and every broadcast it missed, in order (<see cref="SocketIOSocket.Recovered"/> is true). Only clients
/// that ask for it take part (see <see cref="OffsetsForEveryClient"/>).
/// </summary>
public sealed class ConnectionStateRecoveryOptions
{
    /// <summary>How long a dropped session and the packets it misses are kept. Default 2 min.</summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether a recovered socket skips the namespace middleware (its <c>Data</c> is restored instead). Default true.</summary>
    public bool SkipMiddlewares { get; set; } = true;

    /// <summary>
    /// Whether every client gets broadcast offsets, as the JS server does. Default false: only clients that ask
    /// (CONNECT <c>auth</c> carrying <c>recover: true</c>, or the <c>pid</c> the JS client sends when it reconnects)
    /// get the offset as an extra last argument and can recover; the others (python-socketio, Swift, Java, Dart, .NET,
    /// which would pass the offset to handlers as one more argument) get exactly the arguments emitted.
    /// </summary>
    public bool OffsetsForEveryClient { get; set; }

    /// <summary>Most broadcast packets the in-memory adapter keeps for recovery, whatever their age. Default 10,000.</summary>
    public int MaxRetainedPackets { get; set; } = 10_000;
}
