namespace Concord.SocketIO.EngineIO.Detached;

/// <summary>What a detached Engine.IO WebSocket needs once its HTTP request is gone: a new session's request snapshot, or the polling session it upgrades.</summary>
internal sealed record DetachedSession(EngineIOServer Server, EngineIORequest? Request, EngineIOSocket? Upgrading);

/// <summary>
/// The hand-off between the Engine.IO endpoint and <see cref="DetachedWebSocketMiddleware"/>, found by the endpoint
/// among the request's features (Kestrel falls back to the connection's). The endpoint answers the upgrade, claims the
/// slot with its session and returns; the middleware runs the session once the HTTP layer let go of the connection.
/// </summary>
internal sealed class DetachSlot(DetachingConnection connection, bool allowed)
{
    private DetachedSession? _session;

    /// <summary>Whether a WebSocket upgrade on this connection can be served detached.</summary>
    public bool IsAvailable => allowed && _session is null && connection.CanDetach;

    /// <summary>Hands the connection to <paramref name="session"/>; the HTTP layer sees an ended stream from now on.</summary>
    public void Claim(DetachedSession session)
    {
        _session = session;
        connection.Guarded.Claim();
    }

    public DetachedSession? Session => _session;
}
