namespace Concord.SocketIO.EngineIO;

/// <summary>
/// Engine.IO transport options. Every default matches the JS <c>engine.io</c> server.
/// </summary>
public class EngineIOOptions
{
    /// <summary>How often the server sends a ping. Default 25 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMilliseconds(25_000);

    /// <summary>How long the server waits for the pong before closing with "ping timeout". Default 20 s.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromMilliseconds(20_000);

    /// <summary>How long a WebSocket upgrade may take before the probe transport is dropped. Default 10 s.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromMilliseconds(10_000);

    /// <summary>
    /// Largest accepted message (WebSocket) or request body (polling), in bytes, advertised to clients as
    /// <c>maxPayload</c> in the handshake. Default 1e6.
    /// </summary>
    public int MaxPayload { get; set; } = 1_000_000;

    /// <summary>The JS server's name for <see cref="MaxPayload"/> (the same setting: setting either sets both).</summary>
    public int MaxHttpBufferSize
    {
        get => MaxPayload;
        set => MaxPayload = value;
    }

    /// <summary>Whether clients may use HTTP long-polling. Default true.</summary>
    public bool AllowPolling { get; set; } = true;

    /// <summary>Whether clients may use WebSocket. Default true.</summary>
    public bool AllowWebSocket { get; set; } = true;

    /// <summary>Whether a polling session may upgrade to WebSocket. Default true.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>Origins allowed to poll cross-origin (with credentials); <c>"*"</c> reflects any origin. Empty: no CORS headers.</summary>
    public IList<string> CorsOrigins { get; } = new List<string>();

    /// <summary>
    /// Decides whether a handshake is accepted; a <c>false</c> answer is sent as the protocol's
    /// "Forbidden" error (403). Null accepts everyone.
    /// </summary>
    public Func<HttpContext, ValueTask<bool>>? AllowRequest { get; set; }

    /// <summary>
    /// Outbound packets that may wait for one slow client. Past it the client is disconnected
    /// (reason "transport error") and counted, so it never slows the others. Default 1024.
    /// </summary>
    public int OutboundQueueCapacity { get; set; } = 1024;

    /// <summary>Copies every Engine.IO setting to <paramref name="target"/> (what <c>MapEngineIO</c> inherits from <c>AddSocketIO</c>).</summary>
    internal void CopyTo(EngineIOOptions target)
    {
        target.PingInterval = PingInterval;
        target.PingTimeout = PingTimeout;
        target.UpgradeTimeout = UpgradeTimeout;
        target.MaxPayload = MaxPayload;
        target.AllowPolling = AllowPolling;
        target.AllowWebSocket = AllowWebSocket;
        target.AllowUpgrades = AllowUpgrades;
        foreach (var origin in CorsOrigins) target.CorsOrigins.Add(origin);
        target.AllowRequest = AllowRequest;
        target.OutboundQueueCapacity = OutboundQueueCapacity;
    }

    internal IEnumerable<string> Validate()
    {
        if (PingInterval <= TimeSpan.Zero) yield return "PingInterval must be positive.";
        if (PingTimeout <= TimeSpan.Zero) yield return "PingTimeout must be positive.";
        if (UpgradeTimeout <= TimeSpan.Zero) yield return "UpgradeTimeout must be positive.";
        if (MaxPayload < 16) yield return "MaxPayload must be at least 16 bytes.";
        if (OutboundQueueCapacity < 1) yield return "OutboundQueueCapacity must be at least 1.";
        if (!AllowPolling && !AllowWebSocket) yield return "At least one transport must be allowed.";
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate().ToList();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));
    }
}
