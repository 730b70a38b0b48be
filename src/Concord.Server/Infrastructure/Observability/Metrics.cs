using System.Net;
using Prometheus;

namespace Concord.Server.Infrastructure.Observability;

/// <summary>Metrics settings (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve Prometheus metrics at <see cref="Path"/>.</summary>
    public bool Enabled { get; set; } = true;
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// A management port: when set, Kestrel also listens on it (all interfaces) and metrics are served there
    /// only, to any client, and never on the public port. Keep the port off the load balancer.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// Without <see cref="Port"/>: the client networks (CIDR) that may read metrics on the public port. The client
    /// is the one <c>Proxy:KnownProxies</c> resolves; a request still carrying <c>X-Forwarded-For</c> came through an
    /// unknown proxy and is refused. Empty (the default): loopback only, <c>127.0.0.0/8</c> and <c>::1/128</c>.
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>How often the readiness checks run for <c>concord_health_*</c> gauges (at least one second).</summary>
    public TimeSpan HealthCheckPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Prometheus metrics through prometheus-net: HTTP requests (<see cref="RequestObservation"/>), .NET runtime
/// counters, and every System.Diagnostics.Metrics meter of the app (Concord.SocketIO's, Concord's own, ASP.NET
/// Core's, Npgsql's) through its meter adapter. A refused scrape gets 404, as if nothing were there.
/// </summary>
public static class MetricsExtensions
{
    public static WebApplicationBuilder AddConcordMetrics(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        if (options.Port is < 1 or > 65535) throw new InvalidOperationException("Metrics:Port must be 1–65535.");
        // The default lives here, not in the property: the configuration binder appends to a non-empty array.
        string[] allowed = options.AllowedNetworks.Length > 0 ? options.AllowedNetworks : ["127.0.0.0/8", "::1/128"];
        var networks = allowed.Select(n => IPNetwork.TryParse(n, out var net)
            ? net : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{n}' is not a CIDR network.")).ToArray();
        if (options.HealthCheckPeriod < TimeSpan.FromSeconds(1)) throw new InvalidOperationException("Metrics:HealthCheckPeriod must be at least 00:00:01.");
        builder.Services.AddSingleton(options);
        if (options.Enabled) HealthMetricsPublisher.Register(builder.Services, options);
        // The runtime's private QUIC meters are dozens of always-zero series on a server that speaks no HTTP/3.
        Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = i => !i.Meter.Name.StartsWith("Private.", StringComparison.Ordinal));
        builder.Services.AddSingleton(new MetricsAccess(options.Port, networks));
        if (options.Enabled && options.Port is { } port)
        {
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
            builder.WebHost.UseUrls([.. (string.IsNullOrEmpty(urls) ? "http://localhost:5000" : urls).Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://*:{port}"]);
        }
        return builder;
    }

    public static WebApplication MapConcordMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<MetricsOptions>();
        if (!options.Enabled) return app;
        var access = app.Services.GetRequiredService<MetricsAccess>();
        // Counters appear at their first event; a zero from the start lets dashboards and alerts see the series.
        Concord.SocketIO.SocketIOTelemetry.InitializeSeries();
        RateLimiting.RateLimitMetrics.InitializeSeries();
        var exporter = ((IApplicationBuilder)app).New().UseMetricServer(url: null).Build();
        app.MapGet(options.Path, (RequestDelegate)(http =>
        {
            if (access.Allows(http)) return exporter(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        })).ExcludeFromDescription();
        return app;
    }
}

/// <summary>Who may read the metrics: see <see cref="MetricsOptions.Port"/> and <see cref="MetricsOptions.AllowedNetworks"/>.</summary>
public sealed class MetricsAccess(int? port, IReadOnlyList<IPNetwork> networks)
{
    public bool Allows(HttpContext http)
    {
        if (port is { } p) return http.Connection.LocalPort == p;
        if (http.Request.Headers.ContainsKey("X-Forwarded-For") || http.Request.Headers.ContainsKey("Forwarded")) return false;
        // No network peer at all: the in-process test server, or a Unix socket guarded by file permissions.
        if (http.Connection.RemoteIpAddress is not { } ip) return true;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return networks.Any(n => n.Contains(ip));
    }
}

/// <summary>Concord's own instruments (meter "Concord"), exported like every other meter.</summary>
public static class ConcordMeter
{
    public static readonly System.Diagnostics.Metrics.Meter Meter = new("Concord");
}
