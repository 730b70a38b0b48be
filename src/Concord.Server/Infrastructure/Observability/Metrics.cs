using Prometheus;

namespace Concord.Server.Infrastructure.Observability;

/// <summary>Metrics settings (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve Prometheus metrics at <see cref="Path"/>. Keep the path internal (scrape it, do not expose it at the proxy).</summary>
    public bool Enabled { get; set; } = true;
    public string Path { get; set; } = "/metrics";
}

/// <summary>
/// Prometheus metrics: HTTP request counts and durations by route template and status, .NET runtime counters,
/// and every System.Diagnostics.Metrics meter of the app (Concord.SocketIO's, Concord's own) through prometheus-net's adapter.
/// </summary>
public static class MetricsExtensions
{
    public static WebApplication UseConcordMetrics(this WebApplication app)
    {
        var options = app.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        if (!options.Enabled) return app;
        app.UseHttpMetrics(o => o.ReduceStatusCodeCardinality());
        app.MapMetrics(options.Path);
        return app;
    }
}

/// <summary>Concord's own instruments (meter "Concord"), exported like every other meter.</summary>
public static class ConcordMeter
{
    public static readonly System.Diagnostics.Metrics.Meter Meter = new("Concord");
}
