using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Concord.Server.Infrastructure.Queue;

/// <summary>
/// RabbitMQ through the official client. Per queue Q: Q (durable), Q.retry.{ms} (one per back-off step, its TTL
/// dead-letters expired jobs back into Q) and Q.dead. Messages are persistent and publishes wait for broker confirms;
/// consumers ack after the job is done, so a consumer that dies mid-job has its job redelivered to another.
/// </summary>
public sealed class RabbitMqJobTransport : IJobTransport
{
    private readonly IConnection _connection;
    private readonly IChannel _publisher;
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private readonly ConcurrentDictionary<string, Task> _declared = new();
    private readonly string _prefix;
    private readonly TimeSpan[] _delays;

    private RabbitMqJobTransport(IConnection connection, IChannel publisher, string prefix, TimeSpan[] delays) =>
        (_connection, _publisher, _prefix, _delays) = (connection, publisher, prefix, delays);

    public static async Task<RabbitMqJobTransport> ConnectAsync(RabbitMqOptions options, WorkerOptions worker, string clientName, CancellationToken ct = default)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.ConnectionString),
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
        };
        var connection = await factory.CreateConnectionAsync(ct);
        var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        return new RabbitMqJobTransport(connection, publisher, options.QueuePrefix, worker.RetryDelays);
    }

    private string Name(string queue) => _prefix + queue;
    private string RetryName(string queue, TimeSpan delay) => $"{Name(queue)}.retry.{(long)delay.TotalMilliseconds}";
    private string DeadName(string queue) => Name(queue) + ".dead";

    private Task DeclareAsync(string queue) => _declared.GetOrAdd(queue, async q =>
    {
        await _publisher.QueueDeclareAsync(DeadName(q), durable: true, exclusive: false, autoDelete: false);
        // A rejected (unreadable) message goes to the dead-letter queue rather than vanishing.
        await _publisher.QueueDeclareAsync(Name(q), durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = DeadName(q),
        });
        foreach (var delay in _delays.Distinct())
            await _publisher.QueueDeclareAsync(RetryName(q, delay), durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-message-ttl"] = (long)delay.TotalMilliseconds,
                ["x-dead-letter-exchange"] = "",
                ["x-dead-letter-routing-key"] = Name(q),
            });
    });

    public Task PublishAsync(string queue, JobMessage job, TimeSpan? delay = null, CancellationToken ct = default)
    {
        // Delays snap to a declared step: one queue per step keeps TTL expiry in order (no head-of-line blocking).
        var target = delay is { } d && d > TimeSpan.Zero ? RetryName(queue, _delays.Where(x => x >= d).DefaultIfEmpty(_delays.Max()).Min()) : Name(queue);
        return SendAsync(queue, target, job, ct);
    }

    public Task DeadLetterAsync(string queue, JobMessage job, CancellationToken ct = default) => SendAsync(queue, DeadName(queue), job, ct);

    private async Task SendAsync(string queue, string routingKey, JobMessage job, CancellationToken ct)
    {
        await DeclareAsync(queue);
        var body = JsonSerializer.SerializeToUtf8Bytes(job, JsonSerializerOptions.Web);
        var properties = new BasicProperties { Persistent = true, MessageId = job.Id, ContentType = "application/json" };
        await _publishLock.WaitAsync(ct);
        try
        {
            // With confirmation tracking, this completes when the broker has the message (persisted, for a durable queue).
            await _publisher.BasicPublishAsync("", routingKey, mandatory: true, properties, body, ct);
        }
        finally
        {
            _publishLock.Release();
        }
    }

    public async Task<long> DeadLetterCountAsync(string queue, CancellationToken ct = default)
    {
        await DeclareAsync(queue);
        return await _publisher.MessageCountAsync(DeadName(queue), ct);
    }

    public async Task<long> QueueDepthAsync(string queue, CancellationToken ct = default)
    {
        await DeclareAsync(queue);
        return await _publisher.MessageCountAsync(Name(queue), ct);
    }

    public async Task<IAsyncDisposable> ConsumeAsync(string queue, int concurrency, Func<JobMessage, CancellationToken, Task> handle, CancellationToken ct = default)
    {
        await DeclareAsync(queue);
        var channel = await _connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: (ushort)concurrency), ct);
        await channel.BasicQosAsync(0, (ushort)concurrency, false, ct);
        var stop = new CancellationTokenSource();
        // A lost connection or channel cannot ack any more: cancel the jobs in flight (the broker redelivers them).
        channel.ChannelShutdownAsync += async (_, _) => await stop.CancelAsync();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            JobMessage? job;
            try
            {
                job = JsonSerializer.Deserialize<JobMessage>(delivery.Body.Span, JsonSerializerOptions.Web);
            }
            catch (JsonException)
            {
                job = null;
            }
            if (job is null)
            {
                // A message no consumer can read would loop forever: straight to the dead-letter queue.
                await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: false, CancellationToken.None);
                return;
            }
            try
            {
                await handle(job, stop.Token);
                await channel.BasicAckAsync(delivery.DeliveryTag, false, CancellationToken.None);
            }
            catch when (stop.IsCancellationRequested || !channel.IsOpen)
            {
                // Stopping: no ack; closing the channel hands the job back to the broker.
            }
            catch
            {
                await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: true, CancellationToken.None);
            }
        };
        await channel.BasicConsumeAsync(Name(queue), autoAck: false, consumer, ct);
        return new Subscription(channel, stop);
    }

    private sealed class Subscription(IChannel channel, CancellationTokenSource stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try { if (channel.IsOpen) await channel.CloseAsync(); } catch (Exception e) when (e is not OutOfMemoryException) { /* already closed */ }
            channel.Dispose();
            stop.Dispose();
        }
    }

    /// <summary>Drops the TCP connection without closing channels, as a killed process would: unacked jobs go back to their queues.</summary>
    internal Task AbortAsync() => _connection.AbortAsync();

    public async ValueTask DisposeAsync()
    {
        try { await _connection.CloseAsync(TimeSpan.FromSeconds(5)); } catch (Exception e) when (e is not OutOfMemoryException) { /* already gone */ }
        _connection.Dispose();
        _publishLock.Dispose();
    }
}
