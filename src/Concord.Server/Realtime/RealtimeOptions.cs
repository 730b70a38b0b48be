namespace Concord.Server.Realtime;

/// <summary>Real-time gateway settings (section <c>Realtime</c>).</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>A typing indicator ends by itself after this long without renewal.</summary>
    public TimeSpan TypingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Engine.IO heartbeat, as the JS server's defaults.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Connection-state recovery: a client that drops and reconnects within this window (to any node) gets its
    /// rooms back and every event it missed. Zero turns it off.
    /// </summary>
    public TimeSpan RecoveryWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Client events one socket may send per <see cref="EventWindow"/> (typing, joins, signaling, sends…).</summary>
    public int EventsPerWindow { get; set; } = 60;
    public TimeSpan EventWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest accepted Socket.IO message (a polling POST body, or one WebSocket message). The gateway's largest
    /// payloads are a 2,000-character message and WebRTC session descriptions, a few KB each; the JS default of 1 MB
    /// would let each socket make the server buffer 16 times more than any real event needs.
    /// </summary>
    public int MaxPayload { get; set; } = 64 * 1024;

    /// <summary>
    /// Serve each WebSocket on its connection once the upgrade request (authenticated, rate-limited and logged by the
    /// normal pipeline) has ended, instead of as an HTTP request that lasts the connection's life: ~12 KB less per idle
    /// connection (docs/benchmarks.md). Applies to Kestrel's endpoints, HTTPS ones from <c>Kestrel:Endpoints</c> included
    /// (except those with <c>Sni</c> sections, which serve WebSockets in-request, as when this is off).
    /// </summary>
    public bool DetachWebSockets { get; set; } = true;

    /// <summary>The former name of <see cref="MaxPayload"/> (the JS server's); <c>Realtime:MaxHttpBufferSize</c> still works.</summary>
    public int MaxHttpBufferSize
    {
        get => MaxPayload;
        set => MaxPayload = value;
    }
}
