using Concord.SocketIO;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Concord.Server.Infrastructure.Observability;

/// <summary>Tracing settings (section <c>Tracing</c>).</summary>
public sealed class TracingOptions
{
    public const string Section = "Tracing";

    /// <summary>
    /// Record spans. Unset: on exactly when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector, so a node
    /// without one pays nothing. The exporter reads the standard <c>OTEL_*</c> variables (endpoint, protocol,
    /// headers, <c>OTEL_SERVICE_NAME</c>).
    /// </summary>
    public bool? Enabled { get; set; }
}

/// <summary>
/// OpenTelemetry tracing: ASP.NET Core requests, outgoing HTTP, Npgsql commands, StackExchange.Redis calls, the
/// Socket.IO server's spans (events handled, broadcasts published and received across nodes), each job run (in the trace of the request that enqueued it), exported over OTLP. Metrics stay with prometheus-net (see Metrics.cs).
/// </summary>
public static class TracingExtensions
{
    public static WebApplicationBuilder AddConcordTracing(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new();
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!(options.Enabled ?? !string.IsNullOrWhiteSpace(otlp))) return builder;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "concord",
                serviceInstanceId: Environment.MachineName))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = http =>
                        !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddRedisInstrumentation()
                    .AddSource(SocketIOTelemetry.Name, Queue.JobRunner.ActivitySourceName);
                if (!string.IsNullOrWhiteSpace(otlp)) t.AddOtlpExporter();
            });
        return builder;
    }
}

