namespace Concord.Server.Infrastructure.Queue;

/// <summary>RabbitMQ (section <c>RabbitMQ</c>); without a connection string the queue is in-process.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMQ";

    /// <summary>An AMQP URI, e.g. "amqp://user:pass@rabbit:5672/vhost". Empty: jobs run in this process.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Prefix of every queue name, so several deployments can share a broker.</summary>
    public string QueuePrefix { get; set; } = "concord.";
}

/// <summary>Job consumers (section <c>Worker</c>); they run on nodes with the worker role (<c>Concord:Roles</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Jobs of one queue handled at once on this node (RabbitMQ prefetch).</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>Tries before a job is dead-lettered (the first try included).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Wait before retry n (the last one repeats): back-off.</summary>
    public TimeSpan[] RetryDelays { get; set; } = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1)];

    public TimeSpan DelayBefore(int attempt) => RetryDelays[Math.Clamp(attempt - 2, 0, RetryDelays.Length - 1)];
}
