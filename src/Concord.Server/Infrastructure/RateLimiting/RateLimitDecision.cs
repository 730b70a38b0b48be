using System.Globalization;
using System.Threading.RateLimiting;
using Names = RedisRateLimiting.RateLimitMetadataName;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// The outcome of one permit request, in the terms the headers speak: the limit, what is left of it,
/// when the window resets (Unix seconds) and, when refused, how long to wait.
/// </summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds)
{
    /// <summary>Reads a lease from either backend (both carry RedisRateLimiting's metadata names).</summary>
    public static RateLimitDecision From(RateLimitLease lease, RateLimitRule rule, TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var limit = lease.TryGetMetadata(Names.Limit.Name, out var l) && int.TryParse(Convert.ToString(l, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, out var li) ? li : rule.PermitLimit;
        var remaining = lease.TryGetMetadata(Names.Remaining.Name, out var r) ? (int)Convert.ToInt64(r, CultureInfo.InvariantCulture) : 0;
        var reset = lease.TryGetMetadata(Names.Reset.Name, out var s) ? Convert.ToInt64(s, CultureInfo.InvariantCulture) : now + (long)rule.Window.TotalSeconds;
        var retryAfter = lease.TryGetMetadata(Names.RetryAfter.Name, out var a) ? Convert.ToInt32(a, CultureInfo.InvariantCulture) : (int)(reset - now);
        return new RateLimitDecision(lease.IsAcquired, limit, Math.Max(0, remaining), reset, Math.Max(1, retryAfter));
    }

    /// <summary>The stricter of two granted decisions: the one with fewer requests left.</summary>
    public static RateLimitDecision Tighter(RateLimitDecision a, RateLimitDecision b) => a.Remaining <= b.Remaining ? a : b;

    /// <summary>X-RateLimit-Limit / -Remaining / -Reset always; Retry-After when refused.</summary>
    public void WriteHeaders(HttpResponse response)
    {
        if (response.HasStarted) return;
        var h = response.Headers;
        h["X-RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Remaining"] = Remaining.ToString(CultureInfo.InvariantCulture);
        h["X-RateLimit-Reset"] = ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
        if (!Allowed) h.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        else h.Remove("Retry-After");
    }
}
