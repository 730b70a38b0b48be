using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// One Engine.IO session, independent of the transport carrying it. Outbound messages go
/// through a bounded queue drained by exactly one writer (the pending poll, or the WebSocket
/// writer loop), so senders never wait on the network and never hold a lock across I/O.
/// </summary>
public sealed class EngineIOSocket
{
    private const int Open = 0, Closing = 1, Closed = 2;

    private readonly EngineIOServer _server;
    private readonly OutboundQueue _outbound;
    // Made on first use of ClosedToken (a polling session upgrading): a WebSocket session never needs it.
    private CancellationTokenSource? _closed;
    // Heartbeat deadline (MonotonicClock.NowMs, ms): the server's HeartbeatScheduler calls OnDeadline
    // at it, instead of a Timer per session (one Timer is ~150 bytes and a timer-queue entry).
    private long _deadline;
    // 1 from a ping until its pong. Interlocked rather than a lock per session: a stale pong racing the
    // heartbeat at worst moves the next ping earlier, never past its deadline.
    private int _awaitingPong;
    private int _state;
    private int _pollBusy, _postBusy;
    // Set when the client's close packet ended the session: a waiting poll is then answered with a noop.
    private bool _closedByClient;
    private string _closeReason = "forced close";
    private Func<EngineIOMessage, ValueTask>? _onMessage;
    private Action<string>? _onClose;
    private IEngineIOSessionHandler? _handler;

    internal EngineIOSocket(EngineIOServer server, string id, string transport, EngineIORequest request)
    {
        _server = server;
        Id = id;
        Transport = transport;
        Request = request;
        // Multi-reader safe: a misbehaving client can briefly have a poll and a WebSocket at once. Its
        // continuations are asynchronous on purpose: running the writer loop inline on the sender's thread
        // (a Channel with AllowSynchronousContinuations) was measured with tools/bench-socketio.sh and
        // halved throughput in the 1 room × 1,000 broadcast (every frame flushed alone, one thread doing
        // 1,000 sends) for no gain at 5 recipients per room.
        _outbound = new OutboundQueue(server.Options.OutboundQueueCapacity);
    }

    /// <summary>The session id (<c>sid</c>).</summary>
    public string Id { get; }

    /// <summary>"polling" or "websocket"; changes once on upgrade.</summary>
    public string Transport { get; private set; }

    /// <summary>The request that opened the session.</summary>
    public EngineIORequest Request { get; }

    internal bool IsClosing => Volatile.Read(ref _state) == Closing;

    /// <summary>False once the session is closing or closed.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == Open;

    internal OutboundQueue Outbound => _outbound;
    internal bool IsClosed => Volatile.Read(ref _state) == Closed;

    internal CancellationToken ClosedToken
    {
        get
        {
            if (IsClosed) return new CancellationToken(true);
            var closed = Volatile.Read(ref _closed) ?? Interlocked.CompareExchange(ref _closed, new(), null) ?? _closed!;
            // CloseNow cancels the source only if it saw it; if it ran in between, cancel it here.
            if (IsClosed) closed.Cancel();
            return closed.Token;
        }
    }
    internal string CloseReason => _closeReason;
    internal bool ClosedByClient => Volatile.Read(ref _closedByClient);
    internal bool Upgrading { get; set; }
    // Set once the session runs on a WebSocket: a close from elsewhere then hands them to WebSocketTransport.
    private WebSocket? _webSocket;
    private Task? _writer;

    /// <summary>
    /// Who finishes this session's WebSocket, claimed once with a compare-exchange: the WebSocket transport's
    /// receive loop or its close from the server's side (see <see cref="WebSocketTransport.OnSessionClosed"/>).
    /// </summary>
    internal object? WebSocketCloser;
    internal EngineIOServer Server => _server;

    /// <summary>Sets the handler for incoming messages; it is awaited, so messages of one session are handled in order.</summary>
    public void OnMessage(Func<EngineIOMessage, ValueTask> handler) => _onMessage = handler;

    /// <summary>Sets the handler called once with the close reason ("transport close", "ping timeout", ...).</summary>
    public void OnClose(Action<string> handler) => _onClose = handler;

    /// <summary>Sets the Socket.IO layer's handler, called like the two above (before them on close).</summary>
    internal void SetHandler(IEngineIOSessionHandler handler) => _handler = handler;

    /// <summary>Queues a text message. False when the session is closed or was dropped as too slow.</summary>
    public bool Send(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        bytes[0] = (byte)EnginePacketType.Message;
        Encoding.UTF8.GetBytes(text, bytes.AsSpan(1));
        return Enqueue(new OutboundItem(OutboundKind.Text, bytes));
    }

    /// <summary>
    /// Queues a binary message. The bytes are copied, so the buffer may be reused at once: echoing a received
    /// message's <see cref="EngineIOMessage.Data"/> (valid only during its callback) is safe.
    /// </summary>
    public bool Send(ReadOnlyMemory<byte> binary) => Enqueue(new OutboundItem(OutboundKind.Binary, binary.ToArray()));

    /// <summary>Flushes what is queued, then closes the session (reason "forced close").</summary>
    public void Close() => CloseGracefully("forced close");

    internal bool Enqueue(in OutboundItem item)
    {
        if (Volatile.Read(ref _state) != Open) return false;
        if (item.Kind is OutboundKind.Text or OutboundKind.Binary && InlineSends.Allowed
            && Volatile.Read(ref _webSocket) is { } webSocket && _outbound.TryClaimInline())
        {
            SendInline(webSocket, item);
            return true;
        }
        if (_outbound.TryWrite(item)) return true;
        if (Volatile.Read(ref _state) != Open) return false;
        _server.Metrics.SlowClientDisconnected();
        _server.Logger.LogWarning("Engine.IO session {Sid} dropped: outbound queue full (slow client)", Id);
        CloseNow("transport error");
        return false;
    }

    /// <summary>
    /// Writes a message on the caller's thread while the writer loop is parked (claimed by the caller): at a light load
    /// this saves a thread-pool hop and a wake-up per message. A send that does not complete at once (the transport's
    /// buffer is full, a control frame holds the WebSocket's send lock) or fails is handed to the writer loop, which
    /// awaits it before anything else, so order, failure handling and the slow-client bound stay the writer loop's.
    /// </summary>
    private void SendInline(WebSocket webSocket, in OutboundItem item)
    {
        Task? pending = null;
        try
        {
            var send = webSocket.SendAsync(item.Data, item.Kind == OutboundKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary,
                true, CancellationToken.None);
            if (send.IsCompletedSuccessfully) send.GetAwaiter().GetResult();
            else pending = send.AsTask();
        }
        catch (Exception ex) { pending = Task.FromException(ex); }
        _outbound.EndInline(pending);
    }

    internal void CloseGracefully(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, Closing, Open) != Open) return;
        _closeReason = reason;
        // Deadline for the flush and the client's close reply; the heartbeat timer enforces it.
        TryChangeTimer(_server.Options.PingTimeout);
        // A full queue means the client is not reading: flushing would never finish.
        if (!_outbound.TryWrite(OutboundItem.Close)) CloseNow(reason);
    }

    /// <summary>Closes immediately; idempotent. The transports notice through <see cref="ClosedToken"/> or the completed queue.</summary>
    internal void CloseNow(string reason)
    {
        if (Interlocked.Exchange(ref _state, Closed) == Closed) return;
        Volatile.Write(ref _deadline, long.MaxValue);
        _outbound.TryComplete();
        _server.Remove(this);
        try { Volatile.Read(ref _closed)?.Cancel(); }
        catch (AggregateException ex) { _server.Logger.LogError(ex, "Close callback failed for {Sid}", Id); }
        try
        {
            _handler?.OnClose(reason);
            _onClose?.Invoke(reason);
        }
        catch (Exception ex) { _server.Logger.LogError(ex, "Close handler failed for {Sid}", Id); }
        if (Volatile.Read(ref _webSocket) is { } webSocket) WebSocketTransport.OnSessionClosed(this, webSocket, _writer!);
    }

    /// <summary>Records the WebSocket the session now runs on and its writer loop; a session already closed is closed on it at once.</summary>
    internal void AttachWebSocket(WebSocket webSocket, Task writer)
    {
        _writer = writer;
        // A full fence between publishing the socket and reading the state: CloseNow does the reverse, so
        // at least one of the two sees the other (the transport's compare-exchange keeps it to one close).
        Interlocked.Exchange(ref _webSocket, webSocket);
        if (IsClosed) WebSocketTransport.OnSessionClosed(this, webSocket, writer);
    }

    internal async ValueTask OnPacketAsync(byte type, ReadOnlyMemory<byte> data, bool isBinary)
    {
        if (Volatile.Read(ref _state) == Closed) return;
        if (isBinary)
        {
            await DeliverAsync(new EngineIOMessage(data, true));
            return;
        }
        switch ((EnginePacketType)type)
        {
            case EnginePacketType.Message:
                await DeliverAsync(new EngineIOMessage(data, false));
                break;
            case EnginePacketType.Pong:
                OnPong();
                break;
            case EnginePacketType.Close:
                Volatile.Write(ref _closedByClient, true);
                // No poll waiting now: one may still be on its way (Kestrel reads the POST and the GET on two
                // connections in either order); the server answers it with the noop instead of "unknown sid".
                if (Transport == "polling" && Volatile.Read(ref _pollBusy) == 0) _server.RememberClosedByClient(Id);
                CloseNow("transport close");
                break;
            case EnginePacketType.Ping:
                // Protocol v4 pings flow server → client only.
                CloseNow("transport error");
                break;
            case EnginePacketType.Noop:
            case EnginePacketType.Upgrade:
                break;
            default:
                CloseNow("parse error");
                break;
        }
    }

    private async ValueTask DeliverAsync(EngineIOMessage message)
    {
        var handler = _handler;
        var onMessage = _onMessage;
        if (handler is null && onMessage is null) return;
        try { await (handler is not null ? handler.OnMessageAsync(message) : onMessage!(message)); }
        catch (Exception ex)
        {
            _server.Logger.LogError(ex, "Message handler failed for {Sid}", Id);
            CloseNow("transport error");
        }
    }

    /// <summary>Schedules the first ping, <c>pingInterval</c> after the session opened.</summary>
    internal void StartHeartbeat() => SetDeadline(MonotonicClock.NowMs + (long)_server.Options.PingInterval.TotalMilliseconds);

    /// <summary>Called by the server's heartbeat scheduler when <paramref name="deadline"/> comes; ignored unless it is still this session's deadline.</summary>
    internal void OnDeadline(long deadline)
    {
        if (deadline != Volatile.Read(ref _deadline)) return;
        if (Volatile.Read(ref _state) == Closing)
        {
            CloseNow(_closeReason);
            return;
        }
        if (Interlocked.Exchange(ref _awaitingPong, 1) == 1)
        {
            CloseNow("ping timeout");
            return;
        }
        // Counted from when the ping was due, not from when this callback ran, as the reference's timers do.
        SetDeadline(deadline + (long)_server.Options.PingTimeout.TotalMilliseconds);
        Enqueue(OutboundItem.Ping);
    }

    /// <summary>
    /// Does now what the heartbeat scheduler is about to do if this session's deadline has passed, so a request
    /// never sees a session that should already be closed, however late a busy machine runs the timer.
    /// </summary>
    internal void RunOverdueDeadline()
    {
        var deadline = Volatile.Read(ref _deadline);
        if (MonotonicClock.NowMs >= deadline) OnDeadline(deadline);
    }

    private void OnPong()
    {
        Volatile.Write(ref _awaitingPong, 0);
        TryChangeTimer(_server.Options.PingInterval);
    }

    private void TryChangeTimer(TimeSpan due) => SetDeadline(MonotonicClock.NowMs + (long)due.TotalMilliseconds);

    private void SetDeadline(long deadline)
    {
        if (Volatile.Read(ref _state) == Closed) return;
        Volatile.Write(ref _deadline, deadline);
        _server.ScheduleHeartbeat(this, deadline);
    }

    /// <summary>True while a poll (GET) is being answered or waits for packets.</summary>
    internal bool PollPending => Volatile.Read(ref _pollBusy) == 1;

    internal bool TryBeginPoll() => Interlocked.Exchange(ref _pollBusy, 1) == 0;
    internal void EndPoll() => Volatile.Write(ref _pollBusy, 0);
    internal bool TryBeginPost() => Interlocked.Exchange(ref _postBusy, 1) == 0;
    internal void EndPost() => Volatile.Write(ref _postBusy, 0);

    internal void BeginUpgrade()
    {
        Upgrading = true;
        // Wakes a pending poll so the client can pause polling and send the upgrade packet.
        _outbound.TryWrite(OutboundItem.Noop);
    }

    internal void CompleteUpgrade()
    {
        Transport = "websocket";
        Upgrading = false;
    }
}
