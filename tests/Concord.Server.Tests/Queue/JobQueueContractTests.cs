using System.Collections.Concurrent;
using Concord.Server.Infrastructure.Queue;
using Concord.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Concord.Server.Tests.Queue;

/// <summary>The same behaviour from both queues: delivery, ack after success, retries with back-off, dead letters, redelivery after a dying worker.</summary>
public abstract class JobQueueContractTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    protected static readonly WorkerOptions Options = new()
    {
        Concurrency = 2, MaxAttempts = 3, RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)],
    };
    private readonly List<IAsyncDisposable> _owned = [];
    protected readonly string Queue = "test-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A transport as one worker process holds it (RabbitMQ: its own connection).</summary>
    protected abstract Task<IJobTransport> ConnectAsync();
    /// <summary>Ends a worker as abruptly as the implementation allows (RabbitMQ: the connection drops unclosed, as under kill -9).</summary>
    protected abstract Task KillAsync(IJobTransport transport, IAsyncDisposable subscription);

    protected async Task<IJobTransport> OwnAsync()
    {
        var t = await ConnectAsync();
        _owned.Add(t);
        return t;
    }

    private sealed class Handler(string queue, Func<JobMessage, CancellationToken, Task> run) : IJobHandler
    {
        public string Queue => queue;
        public Task HandleAsync(JobMessage job, CancellationToken ct) => run(job, ct);
    }

    private Task<IAsyncDisposable> ConsumeAsync(IJobTransport transport, Func<JobMessage, CancellationToken, Task> run)
    {
        var handler = new Handler(Queue, run);
        return transport.ConsumeAsync(Queue, Options.Concurrency, (job, ct) => JobRunner.RunAsync(transport, handler, job, Options, NullLogger.Instance, ct));
    }

    public sealed record Payload(int N);

    [Fact]
    public async Task EachJobIsHandledOnceWithItsPayload()
    {
        var transport = await OwnAsync();
        var seen = new ConcurrentDictionary<int, int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var _ = await ConsumeAsync(transport, (job, _) =>
        {
            seen.AddOrUpdate(job.Read<Payload>().N, 1, (_, c) => c + 1);
            if (seen.Count == 20) all.TrySetResult();
            return Task.CompletedTask;
        });
        for (var i = 0; i < 20; i++) await transport.PublishAsync(Queue, JobMessage.New($"j{i}", new Payload(i)));

        await all.Task.WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, 20), seen.Keys.Order());
        Assert.All(seen.Values, c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task JobsWaitingForAConsumerAreTheQueueDepthUntilOneTakesThem()
    {
        var transport = await OwnAsync();
        Assert.Equal(0, await transport.QueueDepthAsync(Queue));
        for (var i = 0; i < 3; i++) await transport.PublishAsync(Queue, JobMessage.New($"w{i}", new Payload(i)));
        Assert.Equal(3, await transport.QueueDepthAsync(Queue));

        var handled = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var _ = await ConsumeAsync(transport, (_, _) =>
        {
            if (Interlocked.Increment(ref handled) == 3) all.TrySetResult();
            return Task.CompletedTask;
        });
        await all.Task.WaitAsync(Wait);
        Assert.Equal(0, await transport.QueueDepthAsync(Queue));
    }

    [Fact]
    public async Task AFailingJobIsRetriedWithBackOffUntilItSucceeds()
    {
        var transport = await OwnAsync();
        var tries = new ConcurrentQueue<(int Attempt, DateTimeOffset At)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var _ = await ConsumeAsync(transport, (job, _) =>
        {
            tries.Enqueue((job.Attempt, DateTimeOffset.UtcNow));
            if (job.Attempt < 3) throw new InvalidOperationException("not yet");
            done.TrySetResult();
            return Task.CompletedTask;
        });
        await transport.PublishAsync(Queue, JobMessage.New("flaky", new Payload(1)));

        await done.Task.WaitAsync(Wait);
        var list = tries.ToList();
        Assert.Equal([1, 2, 3], list.Select(t => t.Attempt));
        Assert.True(list[1].At - list[0].At >= TimeSpan.FromMilliseconds(90), "first retry waited its back-off");
        Assert.True(list[2].At - list[1].At >= TimeSpan.FromMilliseconds(280), "second retry waited longer");
        Assert.Equal(0, await transport.DeadLetterCountAsync(Queue));
    }

    [Fact]
    public async Task AJobThatAlwaysFailsIsDeadLetteredAfterItsLastTry()
    {
        var transport = await OwnAsync();
        var tries = 0;
        await using var _ = await ConsumeAsync(transport, (_, _) =>
        {
            Interlocked.Increment(ref tries);
            throw new InvalidOperationException("broken");
        });
        await transport.PublishAsync(Queue, JobMessage.New("doomed", new Payload(1)));

        using var timeout = new CancellationTokenSource(Wait);
        while (await transport.DeadLetterCountAsync(Queue) == 0)
            await Task.Delay(20, timeout.Token); // polls a broker counter; nothing to subscribe to
        Assert.Equal(Options.MaxAttempts, Volatile.Read(ref tries));
        Assert.Equal(1, await transport.DeadLetterCountAsync(Queue));
    }

    [Fact]
    public async Task AJobWhoseWorkerDiesMidwayIsRedeliveredAndCompletesOnce()
    {
        var producer = await OwnAsync();
        var doomed = await ConnectAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstWorker = await ConsumeAsync(doomed, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct); // mid-job, forever: only the kill ends it
        });
        await producer.PublishAsync(Queue, JobMessage.New("survivor", new Payload(7)));
        await started.Task.WaitAsync(Wait);

        await KillAsync(doomed, firstWorker);

        var completions = 0;
        var done = new TaskCompletionSource<JobMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fenced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var survivor = await OwnAsync();
        await using var _ = await ConsumeAsync(survivor, (job, _) =>
        {
            if (job.Id == "fence") { fenced.TrySetResult(); return Task.CompletedTask; }
            Interlocked.Increment(ref completions);
            done.TrySetResult(job);
            return Task.CompletedTask;
        });
        var redelivered = await done.Task.WaitAsync(Wait);
        Assert.Equal("survivor", redelivered.Id);
        Assert.Equal(7, redelivered.Read<Payload>().N);
        // A fence: a job published after the redelivery is handled too, and by then the survivor has run only once.
        await producer.PublishAsync(Queue, JobMessage.New("fence", new Payload(0)));
        await fenced.Task.WaitAsync(Wait);
        Assert.Equal(1, Volatile.Read(ref completions));
        Assert.Equal(0, await producer.DeadLetterCountAsync(Queue));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var o in _owned) await o.DisposeAsync();
    }
}

public sealed class InProcessJobQueueTests : JobQueueContractTests
{
    // One process: every "worker" shares the same in-memory queues.
    private readonly InProcessJobTransport _shared = new(TimeProvider.System);
    protected override Task<IJobTransport> ConnectAsync() => Task.FromResult<IJobTransport>(new Shared(_shared));
    // In one process a worker cannot be killed apart from its host: stopping its consumer mid-job is the equivalent.
    protected override async Task KillAsync(IJobTransport transport, IAsyncDisposable subscription) => await subscription.DisposeAsync();

    /// <summary>The shared transport, not disposed by each "worker".</summary>
    private sealed class Shared(InProcessJobTransport inner) : IJobTransport
    {
        public Task PublishAsync(string queue, JobMessage job, TimeSpan? delay = null, CancellationToken ct = default) => inner.PublishAsync(queue, job, delay, ct);
        public Task DeadLetterAsync(string queue, JobMessage job, CancellationToken ct = default) => inner.DeadLetterAsync(queue, job, ct);
        public Task<IAsyncDisposable> ConsumeAsync(string queue, int concurrency, Func<JobMessage, CancellationToken, Task> handle, CancellationToken ct = default) =>
            inner.ConsumeAsync(queue, concurrency, handle, ct);
        public Task<long> DeadLetterCountAsync(string queue, CancellationToken ct = default) => inner.DeadLetterCountAsync(queue, ct);
        public Task<long> QueueDepthAsync(string queue, CancellationToken ct = default) => inner.QueueDepthAsync(queue, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class RabbitMqJobQueueTests : JobQueueContractTests
{
    protected override async Task<IJobTransport> ConnectAsync() =>
        await RabbitMqJobTransport.ConnectAsync(new RabbitMqOptions { ConnectionString = TestEnvironment.RabbitMq, QueuePrefix = "t." }, Options, "concord-tests");

    protected override async Task KillAsync(IJobTransport transport, IAsyncDisposable subscription)
    {
        var rabbit = (RabbitMqJobTransport)transport;
        await rabbit.AbortAsync();
        await rabbit.DisposeAsync();
    }
}
