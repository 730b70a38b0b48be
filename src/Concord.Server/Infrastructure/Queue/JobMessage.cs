using System.Diagnostics;
using System.Text.Json;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>
/// A job on the wire: a stable id (consumers use it to stay idempotent), the try number, the payload, and the W3C
/// trace context of the request that enqueued it (when traced), so the job's span joins that request's trace.
/// </summary>
public sealed record JobMessage(string Id, int Attempt, JsonElement Payload, string? LastError = null, string? TraceParent = null)
{
    public static JobMessage New<T>(string id, T payload) => new(id, 1, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web),
        TraceParent: Activity.Current is { Recorded: true } current ? current.Id : null);
    public T Read<T>() => Payload.Deserialize<T>(JsonSerializerOptions.Web) ?? throw new JsonException("Empty job payload.");
}

/// <summary>A consumer of one queue. Handlers must be idempotent: a job may arrive again after a crash or a lost ack.</summary>
public interface IJobHandler
{
    string Queue { get; }
    Task HandleAsync(JobMessage job, CancellationToken ct);
}

/// <summary>
/// Where jobs wait: RabbitMQ (durable queues, publisher confirms, retry queues with TTLs, a dead-letter queue) or
/// in-process channels. Consumers ack after success; a consumer that stops mid-job (or dies) leaves the job to be redelivered.
/// </summary>
public interface IJobTransport : IAsyncDisposable
{
    /// <summary>Durably enqueued when this completes (RabbitMQ: confirmed by the broker). <paramref name="delay"/> schedules a retry.</summary>
    Task PublishAsync(string queue, JobMessage job, TimeSpan? delay = null, CancellationToken ct = default);

    Task DeadLetterAsync(string queue, JobMessage job, CancellationToken ct = default);

    /// <summary>Starts consuming; disposing the result stops, and jobs still running are not acked (they come back).</summary>
    Task<IAsyncDisposable> ConsumeAsync(string queue, int concurrency, Func<JobMessage, CancellationToken, Task> handle, CancellationToken ct = default);

    Task<long> DeadLetterCountAsync(string queue, CancellationToken ct = default);

    /// <summary>Jobs waiting to be delivered to a consumer (not those in flight or waiting for a retry).</summary>
    Task<long> QueueDepthAsync(string queue, CancellationToken ct = default);
}
