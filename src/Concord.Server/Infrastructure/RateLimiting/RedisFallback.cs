using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Observability;
using StackExchange.Redis;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// Whether the shared (Redis) rate-limit counters are usable. While Redis is away every node counts on its own,
/// in process, rather than refusing every request: limits stay roughly right (each node allows the full limit) and
/// the service stays up. The switch is logged once each way and counted in <c>concord_ratelimit_local_fallbacks</c>.
/// </summary>
public sealed partial class RateLimitFallback(IConnectionMultiplexer redis, TimeProvider time, ILogger<RateLimitFallback> logger)
{
    /// <summary>After a failure, Redis is not tried again for this long: a hanging Redis costs one timeout, not one per request.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private long _retryAtTicks;
    private static readonly Counter<long> Fallbacks = ConcordMeter.Meter.CreateCounter<long>(
        "ratelimit.local_fallbacks", description: "Rate-limit decisions taken in process because Redis was unavailable");

    private int _degraded;

    /// <summary>Redis is connected: try the shared counter. A disconnected multiplexer skips it without waiting.</summary>
    public bool RedisUsable
    {
        get
        {
            if (!redis.IsConnected || time.GetUtcNow().UtcTicks < Interlocked.Read(ref _retryAtTicks)) return false;
            if (Interlocked.Exchange(ref _degraded, 0) == 1) LogRestored(logger);
            return true;
        }
    }

    public void Degraded(Exception? cause)
    {
        Fallbacks.Add(1);
        if (cause is not null) Interlocked.Exchange(ref _retryAtTicks, (time.GetUtcNow() + RetryAfter).UtcTicks);
        if (Interlocked.Exchange(ref _degraded, 1) == 0) LogDegraded(logger, cause?.Message ?? "not connected");
    }

    public static bool IsRedisFailure(Exception ex) => DependencyFailures.Classify(ex) == DependencyFailures.Redis;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable: rate limits are counted per node until it returns ({Reason})")]
    private static partial void LogDegraded(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: rate limits are shared again")]
    private static partial void LogRestored(ILogger logger);
}

/// <summary>The Redis fixed-window limiter, with an in-process twin that answers while Redis cannot.</summary>
internal sealed class FallbackLimiter(RateLimiter shared, RateLimiter local, RateLimitFallback fallback) : RateLimiter
{
    public override TimeSpan? IdleDuration => shared.IdleDuration is { } a && local.IdleDuration is { } b ? (a < b ? a : b) : null;
    public override RateLimiterStatistics? GetStatistics() => shared.GetStatistics();

    // RedisRateLimiting refuses every synchronous attempt (callers then await AcquireAsync); keep that answer.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => shared.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (fallback.RedisUsable)
        {
            try
            {
                return await shared.AcquireAsync(permitCount, cancellationToken);
            }
            catch (Exception ex) when (RateLimitFallback.IsRedisFailure(ex))
            {
                fallback.Degraded(ex);
                return await local.AcquireAsync(permitCount, cancellationToken);
            }
        }
        fallback.Degraded(null);
        return await local.AcquireAsync(permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }
        base.Dispose(disposing);
    }
}
