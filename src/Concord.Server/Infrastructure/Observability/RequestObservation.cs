using System.Diagnostics;
using Concord.Server.Infrastructure.Auth;
using Prometheus;

namespace Concord.Server.Infrastructure.Observability;

/// <summary>
/// One structured line and one histogram sample per request: method, route template, status, duration, trace id,
/// user id. It wraps the error handler, so the status it records is the one the client received (a problem the
/// handler wrote, a 413 from the size limit, a 500 from an exception), never the 200 a response starts with.
/// </summary>
public static partial class RequestObservation
{
    /// <summary>OpenTelemetry's <c>http.server.request.duration</c> (seconds) with its attribute names.</summary>
    private static readonly Histogram Duration = Metrics.CreateHistogram("http_server_request_duration_seconds",
        "Duration of HTTP server requests, by the status the client received.",
        new HistogramConfiguration
        {
            LabelNames = ["http_request_method", "http_route", "http_response_status_code"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
        });

    /// <summary>Outermost: must run before <c>UseConcordErrors</c> so that it sees the final status.</summary>
    public static WebApplication UseRequestObservation(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Concord.Requests");
        app.Use(async (http, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            var route = new RouteCapture();
            http.Features.Set(route);
            var escaped = false;
            try
            {
                await next(http);
            }
            catch
            {
                escaped = true;
                throw;
            }
            finally
            {
                // An exception nothing handled becomes Kestrel's 500 if the response had not started.
                var status = escaped && !http.Response.HasStarted ? 500 : http.Response.StatusCode;
                var elapsed = Stopwatch.GetElapsedTime(start);
                Duration.WithLabels(http.Request.Method, route.Template ?? "", status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Observe(elapsed.TotalSeconds);
                LogRequest(logger, http.Request.Method, route.Template ?? http.Request.Path.Value ?? "", status,
                    elapsed.TotalMilliseconds, TraceId(http), route.UserId);
            }
        });
        return app;
    }

    /// <summary>
    /// Placed after routing and again after authentication: remembers the route template and the user, because the
    /// exception handler clears the endpoint before the outer middleware reads it.
    /// </summary>
    public static WebApplication UseRequestCapture(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            if (http.Features.Get<RouteCapture>() is { } capture)
            {
                capture.Template ??= (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                capture.UserId ??= http.User.TryUserId();
            }
            return next(http);
        });
        return app;
    }

    public static string TraceId(HttpContext http) => Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Method} {Route} {Status} {DurationMs:0.0}ms trace={TraceId} user={UserId}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double durationMs, string traceId, long? userId);

    private sealed class RouteCapture
    {
        public string? Template { get; set; }
        public long? UserId { get; set; }
    }
}
