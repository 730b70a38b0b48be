using Concord.Server.Infrastructure.Redis;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Concord.Server.Infrastructure.Caching;

public static class CachingServiceExtensions
{
    /// <summary>
    /// FusionCache: memory only on one box; memory + Redis + a Redis backplane (cross-node invalidation) when Redis is
    /// configured. Chosen over .NET's HybridCache because HybridCache has no backplane: another node's memory copy
    /// would live until it expires.
    /// </summary>
    public static WebApplicationBuilder AddConcordCache(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(CacheOptions.Section).Get<CacheOptions>() ?? new();
        var redis = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new CacheTopology(redis.Enabled));
        builder.Services.AddSingleton<ReadCache>();
        builder.Services.AddSingleton<RecentNonces>();
        var fusion = builder.Services.AddFusionCache()
            .WithOptions(o =>
            {
                // Redis trouble must not stall or fail a request: fall back to the database and retry Redis later.
                o.DistributedCacheCircuitBreakerDuration = TimeSpan.FromSeconds(2);
                o.BackplaneCircuitBreakerDuration = TimeSpan.FromSeconds(2);
            })
            .WithDefaultEntryOptions(e =>
            {
                e.DistributedCacheHardTimeout = TimeSpan.FromSeconds(1);
                e.FactoryHardTimeout = Timeout.InfiniteTimeSpan;
            });
        if (!redis.Enabled) return builder;

        fusion.WithCacheKeyPrefix(redis.KeyPrefix + "cache:")
            // Fields included: FusionCache's own entries carry value tuples.
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(new System.Text.Json.JsonSerializerOptions { IncludeFields = true }))
            .WithDistributedCache(sp => new RedisCache(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
            }))
            .WithStackExchangeRedisBackplane(o =>
            {
                // Its own connection: the backplane owns (and at shutdown disposes) the multiplexer it is given.
                o.ConnectionMultiplexerFactory = async () => await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString!);
            });
        return builder;
    }
}
