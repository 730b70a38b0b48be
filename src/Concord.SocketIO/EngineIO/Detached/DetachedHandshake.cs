using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Concord.SocketIO.EngineIO.Detached;

/// <summary>The endpoint's side of a detached WebSocket: answers the upgrade and hands the session to the connection.</summary>
internal static class DetachedHandshake
{
    /// <summary>
    /// The connection's slot, when this WebSocket request can be detached: an HTTP/1.1 upgrade (an HTTP/2 WebSocket is a
    /// stream of a shared connection) on a connection served through <see cref="DetachedWebSocketMiddleware"/>.
    /// </summary>
    public static DetachSlot? FindSlot(HttpContext context) =>
        context.Features.Get<DetachSlot>() is { IsAvailable: true } slot && context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            ? slot
            : null;

    /// <summary>
    /// Sends the 101 the way ASP.NET's WebSocket middleware does (Sec-WebSocket-Accept; no extension, no subprotocol —
    /// what the in-request path accepts too) through Kestrel's upgrade, then claims the connection and returns, which
    /// ends the request. The request was validated as a WebSocket handshake by that middleware (<c>IsWebSocketRequest</c>).
    /// </summary>
    public static async Task AcceptAsync(HttpContext context, DetachSlot slot, DetachedSession session)
    {
        var headers = context.Response.Headers;
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
        // The stream it returns is the request's; the session reads the connection itself once the request is over.
        await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync();
        slot.Claim(session);
    }

    private static string AcceptKey(string key)
    {
        // RFC 6455 §4.2.2: base64(SHA-1(key + GUID)).
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), hash);
        return Convert.ToBase64String(hash);
    }
}
