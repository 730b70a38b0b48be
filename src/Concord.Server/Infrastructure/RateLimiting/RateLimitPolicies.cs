using System.Threading.RateLimiting;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Errors;

namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// Rate limits. HTTP-only limits run in the ASP.NET Core middleware: <see cref="Auth"/> per client IP on the
/// sign-in routes, <see cref="Handshake"/> per client IP on new real-time sessions, and a global per-user limit on
/// every authenticated <c>/api</c> request. Message sends are
/// limited by <see cref="MessageRateLimiter"/>, which the message services call, so the socket path shares it.
/// </summary>
public static class RateLimitPolicies
{
    public const string Auth = "auth";
    public const string Handshake = "handshake";

    public static WebApplicationBuilder AddConcordRateLimiting(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<RateLimiterFactory>();
        // Only with Redis: without it there is nothing to fall back from (and no multiplexer to watch).
        if ((builder.Configuration.GetSection(Redis.RedisOptions.Section).Get<Redis.RedisOptions>() ?? new()).Enabled)
            builder.Services.AddSingleton<RateLimitFallback>();
        builder.Services.AddSingleton<MessageRateLimiter>();
        builder.Services.AddHttpContextAccessor();

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Auth, http => Partition(http, "auth", options.Auth,
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
            // Engine.IO requests of an open session (polls, posts, the WebSocket upgrade) carry its sid; only new
            // sessions count, so one client cannot open sockets without bound.
            o.AddPolicy(Handshake, http => HasSessionId(http.Request.QueryString)
                ? RateLimitPartition.GetNoLimiter("")
                : Partition(http, "handshake", options.Handshakes, http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/api") && http.User.TryUserId() is { } userId
                    ? Partition(http, "api", options.Api, userId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    : RateLimitPartition.GetNoLimiter(""));
            // The limiter has already written Retry-After and the X-RateLimit headers.
            o.OnRejected = (ctx, _) =>
            {
                RateLimitMetrics.Rejected(ctx.HttpContext);
                return new ValueTask(Problems.WriteAsync(ctx.HttpContext, new ApiError(ErrorCode.RateLimited)));
            };
        });
        return builder;

        // Read from the raw query string: Request.Query would build a query collection that a WebSocket request keeps for
        // its connection's whole life (~0.5 KB per idle socket, measured). A name spelt with escapes reads as no sid and is
        // limited like a new session, which is the safe side.
        static bool HasSessionId(QueryString query)
        {
            var rest = query.HasValue ? query.Value.AsSpan(1) : [];
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf('&');
                var pair = end < 0 ? rest : rest[..end];
                var name = pair.IndexOf('=') is var eq and >= 0 ? pair[..eq] : pair;
                if (name.Equals("sid", StringComparison.OrdinalIgnoreCase)) return true;
                rest = end < 0 ? [] : rest[(end + 1)..];
            }
            return false;
        }

        RateLimitPartition<string> Partition(HttpContext http, string counter, RateLimitRule rule, string key)
        {
            if (!options.Enabled) return RateLimitPartition.GetNoLimiter("off");
            var services = http.RequestServices;
            var factory = services.GetRequiredService<RateLimiterFactory>();
            var accessor = services.GetRequiredService<IHttpContextAccessor>();
            return RateLimitPartition.Get($"{counter}:{key}", _ =>
                new HeaderWritingLimiter(factory.Create(counter, key, rule), rule, accessor, factory.Time));
        }
    }
}
