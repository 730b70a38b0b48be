using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Concord.Server.Infrastructure.Observability;

/// <summary>
/// The readiness checks (database, replica, Redis) as gauges, refreshed every few seconds by the health-check
/// publisher: <c>concord_health_check_status{check}</c> is 1 while a dependency answers, and
/// <c>concord_health_ready</c> is 1 while <c>/health/ready</c> would answer 200. Alerts read these;
/// <c>concord_health_check_duration_seconds{check}</c> is the dependency's latency as the check saw it.
/// </summary>
internal sealed class HealthMetricsPublisher : IHealthCheckPublisher
{
    private static readonly Gauge Status = Metrics.CreateGauge("concord_health_check_status",
        "1 while the readiness check answers healthy, else 0.", "check");
    private static readonly Gauge Latency = Metrics.CreateGauge("concord_health_check_duration_seconds",
        "How long the last readiness check of a dependency took: a round trip to PostgreSQL or Redis.", "check");
    private static readonly Gauge Ready = Metrics.CreateGauge("concord_health_ready", "1 while every readiness check is healthy, else 0.");

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            Status.WithLabels(name).Set(entry.Status == HealthStatus.Healthy ? 1 : 0);
            Latency.WithLabels(name).Set(entry.Duration.TotalSeconds);
        }
        Ready.Set(report.Status == HealthStatus.Healthy ? 1 : 0);
        return Task.CompletedTask;
    }

    public static void Register(IServiceCollection services, MetricsOptions options)
    {
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(1);
            o.Period = options.HealthCheckPeriod;
            o.Predicate = c => c.Tags.Contains("ready");
        });
        services.AddSingleton<IHealthCheckPublisher, HealthMetricsPublisher>();
    }
}
