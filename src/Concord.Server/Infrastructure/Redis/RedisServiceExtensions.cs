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

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}

public static class RedisServiceExtensions
{
    public static WebApplicationBuilder AddConcordRedis(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        builder.Services.AddSingleton(options);
        if (!options.Enabled) return builder;

        // One multiplexer per process, shared by sessions, rate limits and the Socket.IO adapter.
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options.ConnectionString!));
        builder.Services.AddHealthChecks().AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), "redis", tags: ["ready"]);
        return builder;
    }
}
