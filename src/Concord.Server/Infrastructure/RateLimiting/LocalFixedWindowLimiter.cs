using System.Threading.RateLimiting;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// In-process twin of RedisRateLimiting's fixed-window limiter: the window opens at the first request, refused
/// requests are not counted, and every lease carries limit, remaining, reset and retry-after.
/// The built-in <see cref="FixedWindowRateLimiter"/> cannot say "remaining" or "reset" on a granted lease,
/// which the X-RateLimit headers need; this keeps both backends answering the same.
/// </summary>
internal sealed class LocalFixedWindowLimiter(RateLimitRule rule, TimeProvider time) : RateLimiter
{
    private readonly Lock _lock = new();
    private DateTimeOffset _windowEnds = DateTimeOffset.MinValue;
    private int _count;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                return now >= _windowEnds ? now - _windowEnds : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
            return new RateLimiterStatistics { CurrentAvailablePermits = time.GetUtcNow() >= _windowEnds ? rule.PermitLimit : rule.PermitLimit - _count };
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now >= _windowEnds)
            {
                _windowEnds = now + rule.Window;
                _count = 0;
            }
            var allowed = _count + permitCount <= rule.PermitLimit;
            if (allowed) _count += permitCount;
            return new WindowLease(allowed, rule.PermitLimit, rule.PermitLimit - _count, _windowEnds, _windowEnds - now);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class WindowLease(bool acquired, int limit, int remaining, DateTimeOffset reset, TimeSpan retryAfter) : RateLimitLease
    {
        private static readonly string[] Names =
            [RedisRateLimiting.RateLimitMetadataName.Limit.Name, RedisRateLimiting.RateLimitMetadataName.Remaining.Name,
             RedisRateLimiting.RateLimitMetadataName.Reset.Name, RedisRateLimiting.RateLimitMetadataName.RetryAfter.Name];

        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => Names;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName switch
            {
                _ when metadataName == Names[0] => limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ when metadataName == Names[1] => (long)remaining,
                _ when metadataName == Names[2] => reset.ToUnixTimeSeconds() + (reset.Millisecond > 0 ? 1 : 0),
                _ when metadataName == Names[3] => (int)Math.Ceiling(retryAfter.TotalSeconds),
                _ => null,
            };
            return metadata is not null;
        }
    }
}
