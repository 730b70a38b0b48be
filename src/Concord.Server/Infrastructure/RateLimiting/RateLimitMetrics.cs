using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Concord.Server.Infrastructure.Observability;
using Microsoft.AspNetCore.RateLimiting;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// Requests refused with 429, by policy (auth, handshake; "api" for the per-user global limit): which limit bites,
/// per node. An observable counter, so every policy's series exists at zero from start-up.
/// </summary>
internal static class RateLimitMetrics
{
    private static readonly ConcurrentDictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        [RateLimitPolicies.Auth] = 0, ["api"] = 0, [RateLimitPolicies.Handshake] = 0,
    };

    static RateLimitMetrics() =>
        ConcordMeter.Meter.CreateObservableCounter("rate_limit.rejections", () => Counts.Select(kv =>
            new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("policy", kv.Key))), "{request}", "HTTP requests refused by a rate limit, by policy.");

    /// <summary>Creates the instrument now, so the series exist before the first refusal.</summary>
    public static void InitializeSeries() => Counts.TryAdd(RateLimitPolicies.Auth, 0);

    public static void Rejected(HttpContext http)
    {
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "api";
        Counts.AddOrUpdate(policy, 1, (_, n) => n + 1);
    }
}
