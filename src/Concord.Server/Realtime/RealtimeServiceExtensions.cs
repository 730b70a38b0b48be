using Concord.Server.Infrastructure.Hosting;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Observability;
using Concord.Server.Infrastructure.RateLimiting;
using Concord.Server.Infrastructure.Redis;
using Concord.Server.Infrastructure.Security;
using Concord.Server.Infrastructure.Outbox;
using Concord.SocketIO;
using Concord.SocketIO.Adapters.Redis;

namespace Concord.Server.Realtime;

public static class RealtimeServiceExtensions
{
    /// <summary>
    /// The Socket.IO server, the chat gateway on it, presence, and <see cref="IRealtimeEvents"/> for REST writes. Every
    /// role registers the server: an api-only node publishes through its adapter without serving /socket.io.
    /// </summary>
    public static WebApplicationBuilder AddConcordRealtime(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RealtimeOptions.Section).Get<RealtimeOptions>() ?? new();
        var cors = builder.Configuration.GetSection(CorsOptions.Section).Get<CorsOptions>() ?? new();
        var redis = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        builder.Services.AddSingleton(options);
        builder.Services.AddSocketIO(o =>
        {
            o.PingInterval = options.PingInterval;
            o.PingTimeout = options.PingTimeout;
            o.MaxPayload = options.MaxPayload;
            // The access token in auth is read once, at the handshake (GatewayAuthentication); not kept per idle socket.
            o.KeepHandshakeAuth = false;
            foreach (var origin in cors.AllowedOrigins) o.CorsOrigins.Add(origin);
            // Payloads on the socket look exactly like the REST API's: camelCase, ids as strings.
            o.JsonSerializerOptions = IdServiceExtensions.ConfigureJson(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
            if (options.RecoveryWindow > TimeSpan.Zero)
                o.ConnectionStateRecovery = new ConnectionStateRecoveryOptions { MaxDisconnectionDuration = options.RecoveryWindow };
            if (redis.Enabled) RedisAdapterSetup.Configure(o, redis);
        });
        // Every endpoint, and Kestrel:Endpoints' HTTPS ones after their TLS (see the option).
        if (options.DetachWebSockets && NodeOptions.Parse(builder.Configuration[$"{NodeOptions.Section}:Roles"]).HasFlag(NodeRoles.Gateway))
            builder.WebHost.ConfigureKestrel(k => k.UseDetachedWebSockets());
        builder.Services.AddSingleton<IRealtimeEvents, SocketIORealtimeEvents>();
        if (redis.Enabled) builder.Services.AddSingleton<IPresenceStore, RedisPresenceStore>();
        else builder.Services.AddSingleton<IPresenceStore, InMemoryPresenceStore>();
        // Presence is kept alive by the node that holds the sockets; an api-only node only reads it.
        if (NodeOptions.Parse(builder.Configuration[$"{NodeOptions.Section}:Roles"]).HasFlag(NodeRoles.Gateway))
            builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.AddSingleton<TypingTracker>();
        builder.Services.AddSingleton<GatewayAuthentication>();
        builder.Services.AddSingleton<RoomEvents>();
        builder.Services.AddSingleton<TypingEvents>();
        builder.Services.AddSingleton<SendEvents>();
        builder.Services.AddSingleton<CallEvents>();
        builder.Services.AddSingleton<PresenceEvents>();
        builder.Services.AddSingleton<EventFailures>();
        builder.Services.AddSingleton<ChatGateway>();
        builder.AddConcordOutbox();
        return builder;
    }

    /// <summary>
    /// Serves the gateway at /socket.io. Engine.IO requests carry their own session id, so no CSRF token; new
    /// sessions are rate-limited per IP.
    /// </summary>
    public static WebApplication MapConcordRealtime(this WebApplication app)
    {
        var io = app.Services.GetRequiredService<SocketIOServer>();
        app.Services.GetRequiredService<ChatGateway>().Attach(io.Sockets);
        RealtimeMetrics.Register(io);
        app.MapSocketIO("/socket.io").WithMetadata(new SkipCsrfAttribute()).RequireRateLimiting(RateLimitPolicies.Handshake);
        return app;
    }
}

/// <summary>Room emits, joins, leaves and FetchSockets reach every node through Redis pub/sub.</summary>
internal static class RedisAdapterSetup
{
    public static void Configure(SocketIOOptions options, RedisOptions redis) =>
        // DataType: a socket fetched from another node comes back with its SocketUser, not raw JSON.
        options.AdapterFactory = RedisAdapter.Factory(new RedisAdapterOptions { ChannelPrefix = redis.KeyPrefix + "socket.io", DataType = typeof(SocketUser) });
}
