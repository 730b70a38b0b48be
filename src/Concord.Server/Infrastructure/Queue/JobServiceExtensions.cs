using Concord.Server.Infrastructure.Hosting;
using Concord.Server.Infrastructure.Observability;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>Enqueues jobs after the database has committed what they refer to. A broker outage does not fail the caller's request.</summary>
public sealed partial class JobQueue(IJobTransport transport, ILogger<JobQueue> logger)
{
    public async Task EnqueueAsync<T>(string queue, string jobId, T payload)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await transport.PublishAsync(queue, JobMessage.New(jobId, payload), ct: timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogEnqueueFailed(logger, e, queue, jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not enqueue job {Queue}/{JobId}; it is lost")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, string queue, string jobId);
}

/// <summary>Runs every <see cref="IJobHandler"/> on this node (the worker role).</summary>
public sealed class JobWorker(IJobTransport transport, IEnumerable<IJobHandler> handlers, WorkerOptions options, ILogger<JobWorker> logger) : IHostedService
{
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private readonly Lock _lock = new();
    private bool _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
        {
            var subscription = await transport.ConsumeAsync(handler.Queue, options.Concurrency,
                (job, ct) => JobRunner.RunAsync(transport, handler, job, options, logger, ct), cancellationToken);
            bool stopped;
            lock (_lock)
            {
                stopped = _stopped;
                if (!stopped) _subscriptions.Add(subscription);
            }
            // The host may stop while this start is still subscribing (a test host disposed early).
            if (stopped) await subscription.DisposeAsync();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IAsyncDisposable[] subscriptions;
        lock (_lock)
        {
            _stopped = true;
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }
        foreach (var s in subscriptions) await s.DisposeAsync();
    }
}

public static class JobServiceExtensions
{
    /// <summary>
    /// RabbitMQ when <c>RabbitMQ:ConnectionString</c> is set, consumed by nodes with the worker role; else in-process,
    /// consumed by this process whatever its roles (no other process can see its queue).
    /// </summary>
    public static WebApplicationBuilder AddConcordJobs(this WebApplicationBuilder builder, NodeRoles roles)
    {
        var rabbit = builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new();
        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new();
        if (worker.Concurrency is < 1 or > 64) throw new InvalidOperationException("Worker:Concurrency must be 1–64.");
        if (worker.MaxAttempts < 1) throw new InvalidOperationException("Worker:MaxAttempts must be at least 1.");
        if (worker.RetryDelays.Length == 0 || worker.RetryDelays.Any(d => d <= TimeSpan.Zero)) throw new InvalidOperationException("Worker:RetryDelays must be positive.");
        var inProcess = string.IsNullOrWhiteSpace(rabbit.ConnectionString);
        builder.Services.AddSingleton(rabbit);
        builder.Services.AddSingleton(worker);
        if (inProcess)
            builder.Services.AddSingleton<IJobTransport, InProcessJobTransport>();
        else
            // Connect at start-up: a node that cannot reach its broker should fail its deploy, not its first upload.
            builder.Services.AddSingleton<IJobTransport>(_ =>
                RabbitMqJobTransport.ConnectAsync(rabbit, worker, $"concord-{Environment.MachineName}").GetAwaiter().GetResult());
        builder.Services.AddSingleton<JobQueue>();
        if (inProcess || roles.HasFlag(NodeRoles.Worker))
        {
            builder.Services.AddHostedService<JobWorker>();
            builder.Services.AddHostedService<JobQueueSampler>();
        }
        return builder;
    }
}
