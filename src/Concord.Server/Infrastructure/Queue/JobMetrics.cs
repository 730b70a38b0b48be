using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Concord.Server.Infrastructure.Observability;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>
/// Job outcomes (<c>jobs.processed{queue,outcome}</c>: completed, retried, dead_lettered) and, sampled by
/// <see cref="JobQueueSampler"/> on nodes that consume, each queue's backlog and dead letters as gauges.
/// </summary>
public static class JobMetrics
{
    public static readonly string[] Outcomes = ["completed", "retried", "dead_lettered"];
    // Observable, so every outcome is exported at zero before it first happens (rates and alerts need the series).
    private static readonly ConcurrentDictionary<(string Queue, string Outcome), StrongBox<long>> Processed = new();
    private static readonly ConcurrentDictionary<string, (long Waiting, long Dead)> Sampled = new();

    static JobMetrics()
    {
        ConcordMeter.Meter.CreateObservableCounter("jobs.processed", () => Processed.Select(kv => new Measurement<long>(
                Interlocked.Read(ref kv.Value.Value), new("queue", kv.Key.Queue), new("outcome", kv.Key.Outcome))),
            "{job}", "Job tries by outcome: completed, retried (scheduled again after a failure), dead_lettered (failed every try).");
        ConcordMeter.Meter.CreateObservableGauge("jobs.queued", () => Sampled.Select(kv =>
            new Measurement<long>(kv.Value.Waiting, new KeyValuePair<string, object?>("queue", kv.Key))), "{job}", "Jobs waiting for a consumer.");
        ConcordMeter.Meter.CreateObservableGauge("jobs.dead_letters", () => Sampled.Select(kv =>
            new Measurement<long>(kv.Value.Dead, new KeyValuePair<string, object?>("queue", kv.Key))), "{job}", "Jobs in the dead-letter queue, waiting for an operator.");
    }

    public static void Record(string queue, string outcome) =>
        Interlocked.Increment(ref Processed.GetOrAdd((queue, outcome), static _ => new StrongBox<long>()).Value);

    /// <summary>Every outcome and gauge of the queue at zero, from the first scrape on.</summary>
    public static void InitializeSeries(string queue)
    {
        foreach (var outcome in Outcomes) Processed.GetOrAdd((queue, outcome), static _ => new StrongBox<long>());
        Sampled.TryAdd(queue, (0, 0));
    }

    internal static void Sample(string queue, long waiting, long dead) => Sampled[queue] = (waiting, dead);
}

/// <summary>Asks the transport for each consumed queue's depth and dead letters every <c>Metrics:HealthCheckPeriod</c>.</summary>
public sealed partial class JobQueueSampler : BackgroundService
{
    private readonly IJobTransport _transport;
    private readonly MetricsOptions _metrics;
    private readonly ILogger<JobQueueSampler> _logger;
    private readonly string[] _queues;

    public JobQueueSampler(IJobTransport transport, IEnumerable<IJobHandler> handlers, MetricsOptions metrics, ILogger<JobQueueSampler> logger)
    {
        (_transport, _metrics, _logger) = (transport, metrics, logger);
        _queues = handlers.Select(h => h.Queue).Distinct().ToArray();
        // Before the host starts, so the first scrape already has every series.
        foreach (var queue in _queues) JobMetrics.InitializeSeries(queue);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (transport, metrics, logger, queues) = (_transport, _metrics, _logger, _queues);
        using var timer = new PeriodicTimer(metrics.HealthCheckPeriod);
        do
        {
            foreach (var queue in queues)
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    JobMetrics.Sample(queue, await transport.QueueDepthAsync(queue, timeout.Token), await transport.DeadLetterCountAsync(queue, timeout.Token));
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The broker is away: the readiness checks and the node's logs say so; the gauges keep their last value.
                    LogSampleFailed(logger, e, queue);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the depth of job queue {Queue}")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception, string queue);
}
