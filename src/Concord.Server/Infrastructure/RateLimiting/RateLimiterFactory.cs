using System.Threading.RateLimiting;
using Concord.Server.Infrastructure.Redis;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// Makes the limiter for one counter: a RedisRateLimiting fixed window when Redis is configured (all nodes share
/// the count; in process while Redis is unavailable, see <see cref="RateLimitFallback"/>), otherwise an in-process one
/// with the same behaviour.
/// </summary>
public sealed class RateLimiterFactory(RedisOptions redis, IServiceProvider services, TimeProvider time)
{
    private readonly IConnectionMultiplexer? _multiplexer = redis.Enabled ? services.GetRequiredService<IConnectionMultiplexer>() : null;
    private readonly RateLimitFallback? _fallback = redis.Enabled ? services.GetRequiredService<RateLimitFallback>() : null;

    public TimeProvider Time => time;

    /// <param name="counter">Names the rule ("msg-channel"), so equal keys of different rules never share a count.</param>
    /// <param name="key">The partition: a user id, an IP, "user:channel".</param>
    public RateLimiter Create(string counter, string key, RateLimitRule rule) => _multiplexer is null
        ? new LocalFixedWindowLimiter(rule, time)
        : new FallbackLimiter(new RedisFixedWindowRateLimiter<string>($"{redis.KeyPrefix}{counter}:{key}", new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = rule.PermitLimit,
            Window = rule.Window,
            ConnectionMultiplexerFactory = () => _multiplexer,
        }), new LocalFixedWindowLimiter(rule, time), _fallback!);

    /// <summary>A limiter per key, created on first use and dropped by the partitioned limiter once idle.</summary>
    public PartitionedRateLimiter<string> CreatePartitioned(string counter, RateLimitRule rule) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, k => Create(counter, k, rule)));
}
