using System.Collections.Concurrent;
using System.Text;
using Concord.SocketIO.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Concord.SocketIO.Adapters.Redis;

/// <summary>
/// A multi-node adapter over Redis pub/sub: rooms stay local (<see cref="InMemoryAdapter"/>),
/// and every broadcast, <c>SocketsJoin</c>/<c>SocketsLeave</c>, <c>DisconnectSockets</c> and
/// <c>FetchSockets</c> is applied to this node's sockets directly and published on the
/// namespace's one operations channel for the other nodes, which apply it in publication order.
/// A broadcast is encoded once, here; other nodes queue the received bytes as they are.
/// Register it with <c>o.AdapterFactory = RedisAdapter.Factory(…)</c>.
/// </summary>
public sealed partial class RedisAdapter : InMemoryAdapter
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAdapterOptions _options;
    private readonly RedisChannels _channels;
    private readonly RedisSocketCodec _codec;
    private readonly RedisChannel _operationsChannel;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, FetchRequest> _requests = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Task<(ChannelMessageQueue, ChannelMessageQueue)> _subscription;
    private readonly ConnectionStateRecoveryOptions? _recovery;
    private readonly Lock _orderLock = new();
    private Task _localTail = Task.CompletedTask;

    /// <summary>Serves <paramref name="nsp"/> over <paramref name="redis"/>; subscribes at once (see <see cref="Subscribed"/>).</summary>
    public RedisAdapter(SocketIONamespace nsp, IConnectionMultiplexer redis, RedisAdapterOptions? options = null) : base(nsp)
    {
        _redis = redis;
        _options = options ?? new RedisAdapterOptions();
        _channels = new RedisChannels(_options.ChannelPrefix, nsp.Name);
        _codec = new RedisSocketCodec(nsp, _options);
        _operationsChannel = RedisChannel.Literal(_channels.Operations);
        _logger = nsp.Server.Logger;
        _recovery = nsp.Server.Options.ConnectionStateRecovery;
        _subscription = SubscribeAsync();
        StartRecordRefresh();
    }

    /// <summary>An <see cref="SocketIOOptions.AdapterFactory"/> using the multiplexer DI provides (or any function of the services).</summary>
    public static Func<SocketIONamespace, IServiceProvider, SocketIOAdapter> Factory(
        Func<IServiceProvider, IConnectionMultiplexer> redis, RedisAdapterOptions? options = null) =>
        (nsp, services) => new RedisAdapter(nsp, redis(services), options);

    /// <summary>An <see cref="SocketIOOptions.AdapterFactory"/> over one multiplexer.</summary>
    public static Func<SocketIONamespace, IServiceProvider, SocketIOAdapter> Factory(IConnectionMultiplexer redis, RedisAdapterOptions? options = null) =>
        Factory(_ => redis, options);

    /// <summary>An <see cref="SocketIOOptions.AdapterFactory"/> over the <see cref="IConnectionMultiplexer"/> registered in DI.</summary>
    public static Func<SocketIONamespace, IServiceProvider, SocketIOAdapter> Factory(RedisAdapterOptions? options = null) =>
        Factory(static services => services.GetRequiredService<IConnectionMultiplexer>(), options);

    /// <summary>Completes once this node receives the other nodes' operations (faults if Redis refused the subscription).</summary>
    public Task Subscribed => _subscription;

    private async Task<(ChannelMessageQueue, ChannelMessageQueue)> SubscribeAsync()
    {
        var subscriber = _redis.GetSubscriber();
        // A ChannelMessageQueue hands messages over one at a time, in order: a broadcast and the
        // SocketsLeave published after it are applied in that order here too.
        var operations = await subscriber.SubscribeAsync(_operationsChannel);
        operations.OnMessage(OnOperation);
        var responses = await subscriber.SubscribeAsync(RedisChannel.Literal(_channels.Response(_nodeId)));
        responses.OnMessage(OnResponse);
        return (operations, responses);
    }

    /// <inheritdoc />
    public override Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        SocketIOTelemetry.Broadcast(packet.EventName);
        using var span = options.Local ? null : SocketIOTelemetry.StartPublish(Namespace.Name);
        var encoded = packet.Encode();
        var frame = new FrameWriter(RedisMessageType.Broadcast, _nodeId);
        frame.Options(options);
        frame.Bytes(encoded.Text.Span);
        frame.Int(encoded.Attachments.Length);
        foreach (var attachment in encoded.Attachments) frame.Bytes(attachment.Span);
        frame.TraceContext(SocketIOTelemetry.CurrentTraceParent());
        if (_recovery is null)
        {
            var published = options.Local ? Task.CompletedTask : PublishAsync(frame);
            return InOrder(published, Task.CompletedTask, _ => BroadcastLocal(encoded, options));
        }
        // The stream entry id is the offset: one script appends and publishes, so the stream and
        // the channel see broadcasts in the same order; the offset is stamped into the bytes once per node.
        var appended = ObserveAsync(_redis.GetDatabase().ScriptEvaluateAsync(RedisRecovery.AppendScript,
            [_channels.Stream, _channels.Operations],
            [_options.StreamMaxLength, frame.ToArray(), options.Local ? 0 : 1]));
        return InOrder(appended, appended, done =>
        {
            if (done.IsCompletedSuccessfully && ((Task<RedisResult>)done).Result.ToString() is { } offset)
                BroadcastLocal(encoded, Offsets.Stamp(encoded.Text, encoded.Attachments, offset), options, offset);
            else BroadcastLocal(encoded, options);
        });
    }

    /// <inheritdoc />
    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        var published = options.Local ? Task.CompletedTask : PublishAsync(RoomsFrame(RedisMessageType.AddSockets, options, rooms));
        return InOrder(published, Task.CompletedTask, _ => base.AddSocketsAsync(options, rooms));
    }

    /// <inheritdoc />
    public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        var published = options.Local ? Task.CompletedTask : PublishAsync(RoomsFrame(RedisMessageType.DelSockets, options, rooms));
        return InOrder(published, Task.CompletedTask, _ => base.DelSocketsAsync(options, rooms));
    }

    /// <inheritdoc />
    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        var published = Task.CompletedTask;
        if (!options.Local)
        {
            var frame = new FrameWriter(RedisMessageType.DisconnectSockets, _nodeId);
            frame.Options(options);
            frame.Bool(close);
            published = PublishAsync(frame);
        }
        return InOrder(published, Task.CompletedTask, _ => base.DisconnectSocketsAsync(options, close));
    }

    /// <summary>
    /// Applies an operation to this node's sockets after the operations issued before it: a
    /// recovery broadcast waits for its offset, and a SocketsLeave issued after it must not overtake it.
    /// Without pending broadcasts this runs at once. The task returned completes once published and applied.
    /// </summary>
    private Task InOrder(Task published, Task prerequisite, Action<Task> apply)
    {
        lock (_orderLock)
        {
            if (_localTail.IsCompleted && prerequisite.IsCompleted)
            {
                apply(prerequisite);
                return published;
            }
            _localTail = ApplyAfterAsync(_localTail, prerequisite, apply);
            return published == prerequisite ? _localTail : Task.WhenAll(published, _localTail);
        }
    }

    private static async Task ApplyAfterAsync(Task previous, Task prerequisite, Action<Task> apply)
    {
        try { await previous; }
        catch { /* reported to that operation's caller */ }
        try { await prerequisite; }
        finally { apply(prerequisite); }
    }

    /// <summary>
    /// This node's sockets plus every other node's answer. The number of nodes to wait for is
    /// the number of subscribers that received the request. Throws <see cref="TimeoutException"/>
    /// when some node does not answer within <see cref="RedisAdapterOptions.RequestsTimeout"/>.
    /// </summary>
    public override async Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options)
    {
        var local = await base.FetchSocketsAsync(options);
        if (options.Local) return local;
        await _subscription;
        var requestId = Guid.NewGuid().ToString("N");
        var request = new FetchRequest();
        _requests[requestId] = request;
        try
        {
            var frame = new FrameWriter(RedisMessageType.FetchRequest, _nodeId);
            frame.Options(options);
            frame.String(requestId);
            var receivers = await _redis.GetSubscriber().PublishAsync(_operationsChannel, frame.ToArray());
            request.Expect((int)receivers - 1);
            var remote = await request.Completion.WaitAsync(_options.RequestsTimeout);
            return [.. local, .. remote];
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"FetchSockets timed out after {_options.RequestsTimeout}: {request.Describe()} nodes answered.");
        }
        finally { _requests.TryRemove(requestId, out _); }
    }

    /// <inheritdoc />
    public override void Close()
    {
        _recordRefresh?.Dispose();
        _ = UnsubscribeAsync();
    }

    private async Task UnsubscribeAsync()
    {
        try
        {
            var (operations, responses) = await _subscription;
            await operations.UnsubscribeAsync();
            await responses.UnsubscribeAsync();
        }
        // At shutdown the host may dispose the connection first; its subscriptions went with it.
        catch (ObjectDisposedException) { }
        catch (Exception ex) { LogRedisFailed(_logger, ex, Namespace.Name); }
    }

    private FrameWriter RoomsFrame(RedisMessageType type, BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        var frame = new FrameWriter(type, _nodeId);
        frame.Options(options);
        frame.Strings(rooms);
        return frame;
    }

    private Task PublishAsync(FrameWriter frame) => ObserveAsync(_redis.GetSubscriber().PublishAsync(_operationsChannel, frame.ToArray()));

    private async Task<T> ObserveAsync<T>(Task<T> task)
    {
        try { return await task; }
        catch (Exception ex)
        {
            LogRedisFailed(_logger, ex, Namespace.Name);
            throw;
        }
    }

    private void OnOperation(ChannelMessage message)
    {
        try
        {
            var reader = new FrameReader((byte[])message.Message!);
            if (reader.NodeId == _nodeId) return;
            switch (reader.Type)
            {
                case RedisMessageType.Broadcast:
                    ApplyBroadcast(reader);
                    break;
                case RedisMessageType.AddSockets:
                    base.AddSocketsAsync(reader.Options(), reader.Strings());
                    break;
                case RedisMessageType.DelSockets:
                    base.DelSocketsAsync(reader.Options(), reader.Strings());
                    break;
                case RedisMessageType.DisconnectSockets:
                    base.DisconnectSocketsAsync(reader.Options(), reader.Bool());
                    break;
                case RedisMessageType.FetchRequest:
                    AnswerFetch(reader);
                    break;
            }
        }
        catch (Exception ex) { LogBadMessage(_logger, ex, Namespace.Name); }
    }

    private void ApplyBroadcast(FrameReader reader)
    {
        var options = reader.Options();
        var text = reader.Bytes();
        var attachments = new ReadOnlyMemory<byte>[reader.Int()];
        for (var i = 0; i < attachments.Length; i++) attachments[i] = reader.Bytes();
        using var span = SocketIOTelemetry.StartReceive(Namespace.Name, reader.TraceContext());
        if (reader.Rest.IsEmpty)
        {
            BroadcastLocal(new EncodedPacket(text, attachments), options);
            return;
        }
        var offset = Encoding.ASCII.GetString(reader.Rest);
        BroadcastLocal(new EncodedPacket(text, attachments), Offsets.Stamp(text, attachments, offset), options, offset);
    }

    private void AnswerFetch(FrameReader reader)
    {
        var options = reader.Options();
        var requestId = reader.String();
        // The in-memory part is synchronous, so the answer reflects every operation received before the request.
        var sockets = FetchLocalSockets(options);
        var frame = new FrameWriter(RedisMessageType.FetchResponse, _nodeId);
        frame.String(requestId);
        frame.Int(sockets.Count);
        foreach (var socket in sockets) _codec.WriteSocket(frame, socket);
        _ = ObserveAsync(_redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_channels.Response(reader.NodeId)), frame.ToArray()));
    }

    private void OnResponse(ChannelMessage message)
    {
        try
        {
            var reader = new FrameReader((byte[])message.Message!);
            if (reader.Type != RedisMessageType.FetchResponse || !_requests.TryGetValue(reader.String(), out var request)) return;
            var sockets = new RemoteSocket[reader.Int()];
            for (var i = 0; i < sockets.Length; i++) sockets[i] = _codec.ReadSocket(reader);
            request.Add(sockets);
        }
        catch (Exception ex) { LogBadMessage(_logger, ex, Namespace.Name); }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis adapter of namespace {Namespace}: Redis command failed")]
    private static partial void LogRedisFailed(ILogger logger, Exception ex, string @namespace);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis adapter of namespace {Namespace}: could not apply a message from another node")]
    private static partial void LogBadMessage(ILogger logger, Exception ex, string @namespace);
}
