using Concord.SocketIO.EngineIO.Detached;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

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

    /// <summary>
    /// <see cref="UseDetachedWebSockets(ListenOptions)"/> for every endpoint: through <c>ConfigureEndpointDefaults</c>
    /// (which it replaces), and, for the HTTPS endpoints of the configuration's <c>Kestrel:Endpoints</c>, after their TLS:
    /// each such endpoint gets the <c>UseHttps</c> Kestrel's configuration loader would have given it (its certificate,
    /// protocols and client-certificate settings), then the middleware. Endpoints with <c>Sni</c> sections, or without a
    /// certificate of their own or a default one, are left to the loader and serve WebSockets in-request; so is an
    /// endpoint name already given an <c>Endpoint(name, …)</c> callback, which this one would replace. Call it after the
    /// configuration is bound (<c>Configure(section)</c>; the default hosts do that before your <c>ConfigureKestrel</c>).
    /// </summary>
    public static KestrelServerOptions UseDetachedWebSockets(this KestrelServerOptions options)
    {
        options.ConfigureEndpointDefaults(listen => listen.UseDetachedWebSockets());
        if (options.ConfigurationLoader is not { } loader) return options;
        foreach (var endpoint in loader.Configuration.GetSection("Endpoints").GetChildren())
        {
            if (endpoint.GetSection("Sni").GetChildren().Any()) continue;
            loader.Endpoint(endpoint.Key, (EndpointConfiguration configured) =>
            {
                var https = configured.HttpsOptions;
                if (!configured.IsHttps || (https.ServerCertificate is null && https.ServerCertificateSelector is null)) return;
                configured.ListenOptions.UseHttps(https);
                configured.ListenOptions.UseDetachedWebSockets();
            });
        }
        return options;
    }
}
