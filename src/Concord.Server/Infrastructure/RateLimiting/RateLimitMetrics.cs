using System.Diagnostics.Metrics;
using Concord.Server.Infrastructure.Observability;
using Microsoft.AspNetCore.RateLimiting;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>Requests refused with 429, by policy (auth, handshake; "api" for the per-user global limit): which limit bites, per node.</summary>
internal static class RateLimitMetrics
{
    private static readonly Counter<long> Rejections = ConcordMeter.Meter.CreateCounter<long>("rate_limit.rejections", "{request}",
        "HTTP requests refused by a rate limit, by policy.");

    public static void InitializeSeries()
    {
        foreach (var policy in (string[])[RateLimitPolicies.Auth, "api", RateLimitPolicies.Handshake])
            Rejections.Add(0, new KeyValuePair<string, object?>("policy", policy));
    }

    public static void Rejected(HttpContext http)
    {
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "api";
        Rejections.Add(1, new KeyValuePair<string, object?>("policy", policy));
    }
}
