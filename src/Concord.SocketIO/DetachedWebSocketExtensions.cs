using Concord.SocketIO.EngineIO.Detached;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Concord.SocketIO;

/// <summary>Kestrel registration of detached Engine.IO WebSockets.</summary>
public static class DetachedWebSocketExtensions
{
    /// <summary>
    /// Serves Engine.IO WebSockets accepted on this endpoint on the connection itself once the upgrade request has been
    /// answered, instead of as an HTTP/1.1 request that never ends: the upgrade still runs the whole HTTP pipeline, then
    /// the request, its HttpContext and Kestrel's HTTP/1.1 state are released (~12 KB less per idle connection). Other
    /// requests on the endpoint are served as usual.
    /// <para>
    /// Register it after <c>UseHttps()</c> so it sees plaintext; registered before (as <c>ConfigureEndpointDefaults</c>
    /// does for endpoints that configuration makes HTTPS), TLS connections are served in-request as without it. Not
    /// used while <see cref="KestrelServerLimits.MaxConcurrentUpgradedConnections"/> is set (Kestrel counts an upgraded
    /// connection only while its request runs). Servers other than Kestrel (TestServer, IIS) always serve in-request.
    /// </para>
    /// </summary>
    public static ListenOptions UseDetachedWebSockets(this ListenOptions listenOptions)
    {
        // Read per connection: the limits may be set after this registration.
        listenOptions.Use(next => new DetachedWebSocketMiddleware(
            next, () => listenOptions.KestrelServerOptions?.Limits.MaxConcurrentUpgradedConnections is null).OnConnectionAsync);
        return listenOptions;
    }
}
