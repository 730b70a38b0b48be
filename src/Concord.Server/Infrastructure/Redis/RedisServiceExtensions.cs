using StackExchange.Redis;

namespace Concord.Server.Infrastructure.Redis;

/// <summary>Redis settings (section <c>Redis</c>). Unset: sessions, rate limits and fan-out stay in-process.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration string, e.g. "localhost:6379".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "concord:";

    /// <summary>
    /// How long a Redis command (session lookup, rate-limit count, presence) may take before the request fails with
    /// 503 <c>unavailable</c>; also the connect timeout. A <c>syncTimeout</c>/<c>asyncTimeout</c>/<c>connectTimeout</c>
    /// written in <see cref="ConnectionString"/> wins.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>
    /// The multiplexer's settings: start and keep running while Redis is down (<c>AbortOnConnectFail=false</c>, reconnect
    /// in the background every half second), and fail a command at once while disconnected instead of queueing it
    /// until its timeout (<see cref="BacklogPolicy.FailFast"/>), so an outage costs a request milliseconds, not seconds;
    /// a hung Redis (connected, silent) costs a command about <see cref="OperationTimeout"/>.
    /// </summary>
    public ConfigurationOptions ToConfiguration()
    {
        var config = ConfigurationOptions.Parse(ConnectionString!);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ReconnectRetryPolicy = new LinearRetry(500);
        var ms = (int)OperationTimeout.TotalMilliseconds;
        if (!Mentions("syncTimeout")) config.SyncTimeout = ms;
        if (!Mentions("asyncTimeout")) config.AsyncTimeout = ms;
        if (!Mentions("connectTimeout")) config.ConnectTimeout = ms;
        // The multiplexer finds timed-out async commands on its heartbeat (1 s by default), so a hung Redis cost a
        // command up to OperationTimeout + 1 s; a heartbeat of a quarter of the timeout keeps it near the timeout.
        config.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(ms / 4, 100, 1000));
        return config;

        bool Mentions(string key) => ConnectionString!.Contains(key + "=", StringComparison.OrdinalIgnoreCase);
    }
}

public static class RedisServiceExtensions
{
    public static WebApplicationBuilder AddConcordRedis(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        if (options.OperationTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Redis:OperationTimeout must be positive.");
        builder.Services.AddSingleton(options);
        if (!options.Enabled) return builder;

        // One multiplexer per process, shared by sessions, rate limits and the Socket.IO adapter.
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options.ToConfiguration()));
        // No timeout of its own: the multiplexer's (OperationTimeout, or the connection string's) bounds the ping.
        builder.Services.AddHealthChecks().AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), "redis", tags: ["ready"]);
        return builder;
    }
}
