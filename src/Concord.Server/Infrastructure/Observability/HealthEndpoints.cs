using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Concord.Server.Infrastructure.Observability;

public static class HealthEndpoints
{
    /// <summary>
    /// live: the process answers. ready: the database (and Redis, when configured) answer too; the JSON body names
    /// each dependency and its state, so an operator sees at once which one is down.
    /// </summary>
    public static WebApplication MapConcordHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteReport });
        return app;
    }

    /// <summary><c>{"status":"Unhealthy","down":["redis"],"checks":{"database":"Healthy","redis":"Unhealthy"}}</c></summary>
    private static Task WriteReport(HttpContext http, HealthReport report)
    {
        var body = new ReadinessReport(
            report.Status.ToString(),
            [.. report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key)],
            report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()));
        return http.Response.WriteAsJsonAsync(body);
    }

    private sealed record ReadinessReport(string Status, string[] Down, Dictionary<string, string> Checks);
}
