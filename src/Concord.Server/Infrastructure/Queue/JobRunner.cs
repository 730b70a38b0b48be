using System.Diagnostics;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>One try of a job: success acks; failure re-publishes it with a back-off or, after the last try, dead-letters it (and counts it).</summary>
public static partial class JobRunner
{
    /// <summary>Name of the <see cref="ActivitySource"/> of job spans (<c>job &lt;queue&gt;</c>, children of the enqueuing request's trace).</summary>
    public const string ActivitySourceName = "Concord.Jobs";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    public static async Task RunAsync(IJobTransport transport, IJobHandler handler, JobMessage job, WorkerOptions options, ILogger logger, CancellationToken ct)
    {
        ActivityContext.TryParse(job.TraceParent, null, out var parent);
        using var span = Source.StartActivity("job " + handler.Queue, ActivityKind.Consumer, parent);
        span?.SetTag("messaging.destination.name", handler.Queue);
        span?.SetTag("messaging.message.id", job.Id);
        span?.SetTag("concord.job.attempt", job.Attempt);
        try
        {
            await handler.HandleAsync(job, ct);
            JobMetrics.Record(handler.Queue, "completed");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            var failed = job with { LastError = e.GetType().Name + ": " + e.Message };
            if (job.Attempt < options.MaxAttempts)
            {
                LogRetry(logger, e, handler.Queue, job.Id, job.Attempt);
                await transport.PublishAsync(handler.Queue, failed with { Attempt = job.Attempt + 1 }, options.DelayBefore(job.Attempt + 1), CancellationToken.None);
                JobMetrics.Record(handler.Queue, "retried");
            }
            else
            {
                LogDead(logger, e, handler.Queue, job.Id, job.Attempt);
                await transport.DeadLetterAsync(handler.Queue, failed, CancellationToken.None);
                JobMetrics.Record(handler.Queue, "dead_lettered");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Queue}/{JobId} failed on try {Attempt}; retrying later")]
    private static partial void LogRetry(ILogger logger, Exception exception, string queue, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Queue}/{JobId} failed on its last try ({Attempt}); dead-lettered")]
    private static partial void LogDead(ILogger logger, Exception exception, string queue, string jobId, int attempt);
}
