using System.Diagnostics;
using Concord.Server.Infrastructure.Auth;

namespace Concord.Server.Infrastructure.Observability;

/// <summary>One structured line per request: method, route template, status, duration, trace id, user id.</summary>
public static partial class RequestLogging
{
    public static WebApplicationBuilder AddConcordLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = false;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        return builder;
    }

    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Concord.Requests");
        app.Use(async (http, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
                LogRequest(logger, http.Request.Method, route, http.Response.StatusCode,
                    Stopwatch.GetElapsedTime(start).TotalMilliseconds, TraceId(http), http.User.TryUserId());
            }
        });
        return app;
    }

    public static string TraceId(HttpContext http) => Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Method} {Route} {Status} {DurationMs:0.0}ms trace={TraceId} user={UserId}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double durationMs, string traceId, long? userId);
}
