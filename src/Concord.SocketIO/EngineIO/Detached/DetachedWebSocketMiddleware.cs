using Microsoft.AspNetCore.Connections;

namespace Concord.SocketIO.EngineIO.Detached;

/// <summary>
/// A Kestrel connection middleware that lets an Engine.IO WebSocket outlive its HTTP/1.1 request. The upgrade request
/// goes through the whole HTTP pipeline as any other (authentication, rate limits, CORS, logging); the endpoint answers
/// the 101 and leaves its session in the connection's <see cref="DetachSlot"/>; the request, its HttpContext, the
/// middleware frames and Kestrel's HTTP/1.1 connection state are then released, and the session runs here, on the
/// connection's own transport, with the framework's RFC 6455 implementation (<c>WebSocket.CreateFromStream</c>).
/// Connections that carry no such upgrade are served exactly as without this middleware.
/// </summary>
internal sealed class DetachedWebSocketMiddleware(ConnectionDelegate next, Func<bool> allowed)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        // Two methods, so that nothing of the HTTP layer's wrapper stays in this frame while the session runs.
        if (await ServeHttpAsync(connection) is { } session) await WebSocketTransport.RunDetachedAsync(session, connection.Transport);
    }

    /// <summary>Runs the HTTP layer on the guarded connection; returns the session a WebSocket upgrade left, if any.</summary>
    private async Task<DetachedSession?> ServeHttpAsync(ConnectionContext connection)
    {
        var detaching = new DetachingConnection(connection, allowed());
        try { await next(detaching); }
        finally { detaching.EndHttp(); }
        return detaching.Slot.Session;
    }
}
