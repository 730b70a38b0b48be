using System.Globalization;
using System.Threading.RateLimiting;
using Concord.Server.Infrastructure.Errors;
using Microsoft.AspNetCore.RateLimiting;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>A limit: <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}

/// <summary>Rate-limit settings (section <c>RateLimiting</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";
    public bool Enabled { get; set; } = true;
    /// <summary>Per client IP, on register, login and token.</summary>
    public RateLimitRule Auth { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
}

public static class RateLimitPolicies
{
    public const string Auth = "auth";

    public static WebApplicationBuilder AddConcordRateLimiting(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        builder.Services.AddSingleton(options);
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(Auth, http => !options.Enabled
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.Auth.PermitLimit, Window = options.Auth.Window, QueueLimit = 0 }));
            o.OnRejected = async (ctx, _) =>
            {
                if (ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    ctx.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(ctx.HttpContext, new ApiError(ErrorCode.RateLimited));
            };
        });
        return builder;
    }
}
