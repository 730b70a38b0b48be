using System.Threading.RateLimiting;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// Wraps a limiter used by the ASP.NET Core rate-limiting middleware so that every limited response, granted or
/// refused, carries the X-RateLimit headers. The middleware has no "granted" hook (dotnet/aspnetcore#44140),
/// so the limiter writes them onto the current request's response as it hands out the lease.
/// </summary>
internal sealed class HeaderWritingLimiter(RateLimiter inner, RateLimitRule rule, IHttpContextAccessor accessor, TimeProvider time) : RateLimiter
{
    public override TimeSpan? IdleDuration => inner.IdleDuration;
    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Report(inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Report(await inner.AcquireAsync(permitCount, cancellationToken));

    private RateLimitLease Report(RateLimitLease lease)
    {
        // RedisRateLimiting refuses every synchronous attempt without metadata (the middleware then awaits
        // AcquireAsync); only a lease that carries its numbers is reported.
        if (accessor.HttpContext is { } http && lease.TryGetMetadata(RedisRateLimiting.RateLimitMetadataName.Limit.Name, out _))
            RateLimitDecision.From(lease, rule, time).WriteHeaders(http.Response);
        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore() => inner.DisposeAsync();
}
