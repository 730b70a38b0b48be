using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Concord.Server.Infrastructure.Observability;

public static class HealthEndpoints
{
    /// <summary>live: the process answers. ready: the database (and Redis, when configured) answer too.</summary>
    public static WebApplication MapConcordHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}
