using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Concord.SocketIO.EngineIO;

/// <summary>Maps a raw Engine.IO endpoint, as the JS <c>engine.io</c> package offers on its own.</summary>
public static class EngineIOEndpointExtensions
{
    private const string WebSocketsAdded = "Concord.SocketIO.WebSocketsAdded";

    /// <summary>
    /// Serves Engine.IO v4 at <paramref name="path"/>; <paramref name="onConnection"/> receives each
    /// new session (set its message and close handlers there). The options start from the Engine.IO settings
    /// configured for <c>AddSocketIO</c> (heartbeat, <see cref="EngineIOOptions.MaxPayload"/>, transports, CORS…),
    /// or the defaults when it was not called; <paramref name="configure"/> overrides them for this endpoint.
    /// </summary>
    public static IEndpointConventionBuilder MapEngineIO(
        this IEndpointRouteBuilder endpoints,
        string path,
        Action<EngineIOSocket> onConnection,
        Action<EngineIOOptions>? configure = null)
    {
        var options = new EngineIOOptions();
        // IOptions<T> resolves only once AddOptions ran (AddSocketIO does); its value then carries the app's configuration.
        endpoints.ServiceProvider.GetService<IOptions<SocketIOOptions>>()?.Value.CopyTo(options);
        configure?.Invoke(options);
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<EngineIOServer>();
        var server = new EngineIOServer(options, onConnection, logger);
        return endpoints.MapEngineIO(path, server);
    }

    internal static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, string path, EngineIOServer server)
    {
        EnsureWebSockets(endpoints);
        return endpoints.Map(path.TrimEnd('/'), server.HandleAsync);
    }

    /// <summary>
    /// The WebSocket middleware must run before the endpoint; adding it here keeps the usage to one
    /// Map call. Adding it twice is harmless (it skips requests it already handled).
    /// </summary>
    private static void EnsureWebSockets(IEndpointRouteBuilder endpoints)
    {
        if (endpoints is not IApplicationBuilder app || app.Properties.ContainsKey(WebSocketsAdded)) return;
        app.Properties[WebSocketsAdded] = true;
        app.UseWebSockets();
    }
}
