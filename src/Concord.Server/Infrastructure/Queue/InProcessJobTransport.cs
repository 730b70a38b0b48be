using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>
/// The embedded default: one channel per queue in this process. Same ack, retry and dead-letter behaviour as RabbitMQ
/// within the process; jobs do not survive a restart (use RabbitMQ where they must).
/// </summary>
public sealed class InProcessJobTransport(TimeProvider time) : IJobTransport
{
    private readonly ConcurrentDictionary<string, Channel<JobMessage>> _queues = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JobMessage>> _dead = new();
    private readonly CancellationTokenSource _closing = new();

    private Channel<JobMessage> Queue(string name) => _queues.GetOrAdd(name, _ => Channel.CreateUnbounded<JobMessage>());

    public Task PublishAsync(string queue, JobMessage job, TimeSpan? delay = null, CancellationToken ct = default)
    {
        if (delay is not { } d || d <= TimeSpan.Zero)
        {
            Queue(queue).Writer.TryWrite(job);
            return Task.CompletedTask;
        }
        _ = Task.Delay(d, time, _closing.Token).ContinueWith(_ => Queue(queue).Writer.TryWrite(job), TaskContinuationOptions.OnlyOnRanToCompletion);
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(string queue, JobMessage job, CancellationToken ct = default)
    {
        _dead.GetOrAdd(queue, _ => new()).Enqueue(job);
        return Task.CompletedTask;
    }

    public Task<long> DeadLetterCountAsync(string queue, CancellationToken ct = default) =>
        Task.FromResult((long)(_dead.TryGetValue(queue, out var q) ? q.Count : 0));

    public Task<long> QueueDepthAsync(string queue, CancellationToken ct = default) =>
        Task.FromResult((long)(_queues.TryGetValue(queue, out var q) ? q.Reader.Count : 0));

    public Task<IAsyncDisposable> ConsumeAsync(string queue, int concurrency, Func<JobMessage, CancellationToken, Task> handle, CancellationToken ct = default)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        var channel = Queue(queue);
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (await channel.Reader.WaitToReadAsync(stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
            {
                if (!channel.Reader.TryRead(out var job)) continue;
                try
                {
                    await handle(job, stop.Token);
                }
                catch
                {
                    // Not acked (stopped mid-job, or the retry could not be scheduled): back to the queue, as a broker would.
                    channel.Writer.TryWrite(job);
                    if (stop.IsCancellationRequested) return;
                }
            }
        })).ToArray();
        return Task.FromResult<IAsyncDisposable>(new Subscription(stop, loops));
    }

    private sealed class Subscription(CancellationTokenSource stop, Task[] loops) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
            stop.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _closing.Cancel();
        _closing.Dispose();
        return ValueTask.CompletedTask;
    }
}
