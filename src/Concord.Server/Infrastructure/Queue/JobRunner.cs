using System.Diagnostics.Metrics;
using Concord.Server.Infrastructure.Observability;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>One try of a job: success acks; failure re-publishes it with a back-off or, after the last try, dead-letters it (and counts it).</summary>
public static partial class JobRunner
{
    private static readonly Counter<long> Completed = ConcordMeter.Meter.CreateCounter<long>("concord_jobs_completed", description: "Jobs that succeeded");
    private static readonly Counter<long> Retried = ConcordMeter.Meter.CreateCounter<long>("concord_jobs_retried", description: "Job tries that failed and were scheduled again");
    private static readonly Counter<long> DeadLettered = ConcordMeter.Meter.CreateCounter<long>("concord_jobs_dead_lettered", description: "Jobs that failed every try");

    public static async Task RunAsync(IJobTransport transport, IJobHandler handler, JobMessage job, WorkerOptions options, ILogger logger, CancellationToken ct)
    {
        var tag = new KeyValuePair<string, object?>("queue", handler.Queue);
        try
        {
            await handler.HandleAsync(job, ct);
            Completed.Add(1, tag);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var failed = job with { LastError = e.GetType().Name + ": " + e.Message };
            if (job.Attempt < options.MaxAttempts)
            {
                LogRetry(logger, e, handler.Queue, job.Id, job.Attempt);
                await transport.PublishAsync(handler.Queue, failed with { Attempt = job.Attempt + 1 }, options.DelayBefore(job.Attempt + 1), CancellationToken.None);
                Retried.Add(1, tag);
            }
            else
            {
                LogDead(logger, e, handler.Queue, job.Id, job.Attempt);
                await transport.DeadLetterAsync(handler.Queue, failed, CancellationToken.None);
                DeadLettered.Add(1, tag);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Queue}/{JobId} failed on try {Attempt}; retrying later")]
    private static partial void LogRetry(ILogger logger, Exception exception, string queue, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Queue}/{JobId} failed on its last try ({Attempt}); dead-lettered")]
    private static partial void LogDead(ILogger logger, Exception exception, string queue, string jobId, int attempt);
}
