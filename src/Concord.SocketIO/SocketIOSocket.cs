using System.Diagnostics;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Concord.SocketIO.Adapters;
using Concord.SocketIO.Protocol;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO;

/// <summary>
/// A client connected to one namespace (the JS server's <c>Socket</c>). Handlers run on the
/// connection's receive loop up to their first await, so register them in <c>OnConnection</c>.
/// </summary>
public sealed partial class SocketIOSocket
{
    private static readonly string[] ReservedEvents =
        ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    // The JS server's list: a network-side loss is worth recovering, a deliberate disconnect is not.
    private static readonly string[] RecoverableReasons =
    [
        DisconnectReason.TransportError, DisconnectReason.TransportClose, DisconnectReason.ForcedClose,
        DisconnectReason.PingTimeout, DisconnectReason.ServerShuttingDown,
    ];

    private readonly SocketIOClient _client;
    // Copy-on-write (registration is rare, lookup is per event): a socket costs one array reference here
    // rather than a ConcurrentDictionary, and an event's name is matched as UTF-8 in the received JSON,
    // so dispatch allocates no name string.
    private EventHandlerEntry[] _handlers = [];
    // Created by the first EmitWithAckAsync; most sockets never wait for an acknowledgement.
    private ConcurrentDictionary<long, TaskCompletionSource<SocketIOArgs>>? _pendingAcks;
    private ImmutableArray<Action<string>> _onDisconnecting = [];
    private ImmutableArray<Action<string>> _onDisconnect = [];
    private long _nextAckId = -1;
    // 0 before CONNECT, 1 connected, 2 closed (for good: a socket never reconnects; recovery makes a new one).
    private int _connected;
    // Made by the first read of Disconnected: most sockets' handlers never ask for it.
    private CancellationTokenSource? _disconnected;
    private RecoveryGate? _gate;

    internal SocketIOSocket(SocketIONamespace nsp, SocketIOClient client, SocketIOHandshake handshake, SessionSnapshot? session = null, bool recoverable = false)
    {
        Namespace = nsp;
        _client = client;
        Handshake = handshake;
        Id = session?.Sid ?? EngineIO.EngineIOServer.NewId();
        Pid = session?.Pid ?? (recoverable ? EngineIO.EngineIOServer.NewId() : null);
        Data = session?.Data;
        Recovered = session is not null;
    }

    /// <summary>The socket id (also the name of a room holding only this socket).</summary>
    public string Id { get; }

    /// <summary>The namespace the socket belongs to.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>The handshake: headers, cookies, query, auth payload, user.</summary>
    public SocketIOHandshake Handshake { get; }

    /// <summary>Per-connection state, e.g. the authenticated user; set it in a middleware.</summary>
    public object? Data { get; set; }

    /// <summary>
    /// True when connection-state recovery gave this socket back its id, rooms and <see cref="Data"/>
    /// after a drop, and replayed the broadcasts it missed (OnConnection handlers still run).
    /// </summary>
    public bool Recovered { get; }

    /// <summary>
    /// The private session id the client presents to recover; null when recovery is off or the client did not ask
    /// for it. A socket with a pid gets each broadcast's offset as an extra last argument; one without gets exactly the
    /// arguments emitted.
    /// </summary>
    internal string? Pid { get; }

    /// <summary>Whether the socket is still connected.</summary>
    public bool Connected => Volatile.Read(ref _connected) == 1;

    /// <summary>
    /// Cancelled when the socket disconnects, for any reason (as SignalR's <c>ConnectionAborted</c>): pass it to the
    /// work an event starts, so that work stops when nobody is left to hear its answer. Already cancelled on a socket
    /// that has disconnected; not cancelled while a middleware runs before the socket connects.
    /// </summary>
    public CancellationToken Disconnected
    {
        get
        {
            var source = Volatile.Read(ref _disconnected);
            if (source is null)
            {
                if (Volatile.Read(ref _connected) == Closed) return new CancellationToken(canceled: true);
                source = Interlocked.CompareExchange(ref _disconnected, new CancellationTokenSource(), null) ?? _disconnected!;
                // OnClose may have looked for the source just before it was published: it cancels either way.
                if (Volatile.Read(ref _connected) == Closed) CancelDisconnected();
            }
            return source.Token;
        }
    }

    private const int Closed = 2;

    /// <summary>The rooms the socket is in (its own id included).</summary>
    public IReadOnlySet<string> Rooms => Namespace.Adapter.SocketRooms(Id);

    /// <summary>The current transport of the underlying connection ("polling" or "websocket").</summary>
    public string Transport => _client.Connection.Transport;

    /// <summary>Registers a handler for an event; several handlers may share a name.</summary>
    public SocketIOSocket On(string eventName, Func<SocketIOEvent, Task> handler) => AddHandler(eventName, handler);

    /// <summary>Registers a synchronous handler for an event.</summary>
    // Kept as given, not wrapped in a Func: a wrapper and its closure would be two more objects per socket.
    public SocketIOSocket On(string eventName, Action<SocketIOEvent> handler) => AddHandler(eventName, handler);

    private SocketIOSocket AddHandler(string eventName, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        EventHandlerEntry.Add(ref _handlers, new EventHandlerEntry(eventName, handler));
        return this;
    }

    /// <summary>Called before the socket leaves its rooms (they are still readable), with the reason.</summary>
    public SocketIOSocket OnDisconnecting(Action<string> handler)
    {
        ImmutableInterlocked.Update(ref _onDisconnecting, static (list, h) => list.Add(h), handler);
        return this;
    }

    /// <summary>Called once the socket is disconnected, with the reason (see <see cref="DisconnectReason"/>).</summary>
    public SocketIOSocket OnDisconnect(Action<string> handler)
    {
        ImmutableInterlocked.Update(ref _onDisconnect, static (list, h) => list.Add(h), handler);
        return this;
    }

    /// <summary>Sends an event to this client. False when the socket is disconnected.</summary>
    public bool Emit(string eventName, params object?[] args)
    {
        ThrowIfReserved(eventName);
        return Connected && Send(PacketEncoder.Event(Namespace.Name, eventName, args, null, Namespace.Server.Json));
    }

    /// <summary>
    /// Sends an event and waits for the client's acknowledgement.
    /// Throws <see cref="TimeoutException"/> when none arrives within <paramref name="timeout"/>.
    /// </summary>
    public async Task<SocketIOArgs> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args)
    {
        ThrowIfReserved(eventName);
        var id = Interlocked.Increment(ref _nextAckId);
        var pending = new TaskCompletionSource<SocketIOArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pendingAcks = Volatile.Read(ref _pendingAcks)
            ?? Interlocked.CompareExchange(ref _pendingAcks, new(), null)
            ?? _pendingAcks;
        pendingAcks[id] = pending;
        try
        {
            if (!Connected || !Send(PacketEncoder.Event(Namespace.Name, eventName, args, id, Namespace.Server.Json)))
                throw new InvalidOperationException("The socket is disconnected.");
            return await pending.Task.WaitAsync(timeout);
        }
        catch (TimeoutException) { throw new TimeoutException("operation has timed out"); }
        finally { pendingAcks.TryRemove(id, out _); }
    }

    /// <summary>Joins a room.</summary>
    public void Join(string room) => Namespace.Adapter.AddAll(Id, [room]);

    /// <summary>Joins several rooms.</summary>
    public void Join(IEnumerable<string> rooms) => Namespace.Adapter.AddAll(Id, rooms);

    /// <summary>Leaves a room.</summary>
    public void Leave(string room) => Namespace.Adapter.Del(Id, room);

    /// <summary>Targets the sockets in <paramref name="rooms"/>, except this one.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => Broadcast.To(rooms);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(params IEnumerable<string> rooms) => To(rooms);

    /// <summary>Targets every socket of the namespace except those in <paramref name="rooms"/> and this one.</summary>
    public BroadcastOperator Except(params IEnumerable<string> rooms) => Broadcast.Except(rooms);

    /// <summary>Targets every other socket of the namespace.</summary>
    public BroadcastOperator Broadcast => BroadcastOperator.All(Namespace).Except(Id);

    /// <summary>
    /// Disconnects from this namespace (reason "server namespace disconnect"); with
    /// <paramref name="close"/>, closes the whole connection and every namespace on it.
    /// </summary>
    public void Disconnect(bool close = false)
    {
        if (close)
        {
            _client.DisconnectAll();
            return;
        }
        if (!Connected) return;
        Send(PacketEncoder.Disconnect(Namespace.Name, Namespace.Server.Json));
        OnClose(DisconnectReason.ServerNamespaceDisconnect);
    }

    internal static void ThrowIfReserved(string eventName)
    {
        if (ReservedEvents.Contains(eventName)) throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
    }

    internal bool Send(EncodedPacket packet) => _client.Send(packet);

    /// <summary>
    /// Queues a broadcast: <paramref name="stamped"/> (carrying <paramref name="offset"/>) if this client takes offsets,
    /// else <paramref name="plain"/>; the offset lets a socket being recovered hold or drop it.
    /// </summary>
    internal void SendBroadcast(EncodedPacket plain, EncodedPacket? stamped, string? offset)
    {
        var packet = Pid is not null && stamped is not null ? stamped : plain;
        var gate = _gate;
        if (gate is null || offset is null || gate.Admit(packet, offset)) Send(packet);
    }

    internal bool SendAck(long id, object?[] args) =>
        Connected && Send(PacketEncoder.Ack(Namespace.Name, id, args, Namespace.Server.Json));

    internal void OnConnected()
    {
        Volatile.Write(ref _connected, 1);
        Join(Id);
        Send(PacketEncoder.Connect(Namespace.Name, Id, Namespace.Server.Json, Pid));
    }

    /// <summary>Connects a recovered socket: back into its rooms first, then CONNECT, the missed packets and what arrived meanwhile.</summary>
    internal async Task OnRecoveredAsync(SessionSnapshot session, string offset)
    {
        var gate = _gate = new RecoveryGate();
        Volatile.Write(ref _connected, 1);
        Join(Id);
        Join(session.Rooms);
        IReadOnlyList<MissedPacket> missed;
        try { missed = await Namespace.Adapter.MissedPacketsAsync(session, offset); }
        catch (Exception ex)
        {
            LogReplayFailed(Namespace.Server.Logger, ex, Id);
            missed = [];
        }
        gate.Release(Send, PacketEncoder.Connect(Namespace.Name, Id, Namespace.Server.Json, Pid), missed, offset);
    }

    internal void OnPacket(IncomingPacket packet)
    {
        switch (packet.Type)
        {
            case PacketType.Event or PacketType.BinaryEvent:
                OnEvent(packet);
                break;
            case PacketType.Ack or PacketType.BinaryAck:
                if (packet.Id is { } id && Volatile.Read(ref _pendingAcks) is { } pendingAcks && pendingAcks.TryRemove(id, out var pending))
                    pending.TrySetResult(new SocketIOArgs(packet.Data!.Value, 0, packet.Attachments, Namespace.Server.Json));
                break;
            case PacketType.Disconnect:
                OnClose(DisconnectReason.ClientNamespaceDisconnect);
                break;
        }
    }

    private void OnEvent(IncomingPacket packet)
    {
        var data = packet.Data!.Value;
        // The socket's own handlers for the name first, then the namespace's (registered once for every socket).
        var handlers = Volatile.Read(ref _handlers);
        var index = EventHandlerEntry.Find(handlers, data[0]);
        var shared = Namespace.Handlers;
        var sharedIndex = EventHandlerEntry.Find(shared, data[0]);
        if (index < 0)
        {
            if (sharedIndex < 0)
            {
                packet.Release();
                return;
            }
            (handlers, index, sharedIndex) = (shared, sharedIndex, -1);
        }
        var args = new SocketIOArgs(data, 1, packet.Attachments, Namespace.Server.Json);
        var e = new SocketIOEvent(this, handlers[index].Name, args, packet.Id);
        // The event's JSON is pooled: it goes back once every handler has finished (its task, not just its
        // synchronous part), so handlers read their arguments across awaits; keeping one longer needs Clone().
        if (sharedIndex < 0 && EventHandlerEntry.Next(handlers, index) < 0)
        {
            if (Invoke(handlers[index], e) is { } running) _ = ReleaseAfterAsync(running, packet);
            else packet.Release();
            return;
        }
        List<Task>? pending = null;
        for (; index >= 0; index = EventHandlerEntry.Next(handlers, index))
            if (Invoke(handlers[index], e) is { } running) (pending ??= []).Add(running);
        for (; sharedIndex >= 0; sharedIndex = EventHandlerEntry.Next(shared, sharedIndex))
            if (Invoke(shared[sharedIndex], e) is { } running) (pending ??= []).Add(running);
        if (pending is null) packet.Release();
        else _ = ReleaseAfterAsync(Task.WhenAll(pending), packet);
    }

    /// <summary>Runs a handler; null once it has finished, else a task that completes (never faults) when it does.</summary>
    private Task? Invoke(in EventHandlerEntry handler, SocketIOEvent e)
    {
        var parent = Activity.Current;
        var activity = SocketIOTelemetry.StartEvent(Namespace.Name, e.Name, e.WantsAck);
        Task task;
        try { task = handler.Invoke(e); }
        catch (Exception ex)
        {
            LogHandlerFailed(Namespace.Server.Logger, ex, e.Name, Id);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.Dispose();
            return null;
        }
        finally
        {
            // The span lives until the handler's task ends; the receive loop goes on outside it.
            if (activity is not null) Activity.Current = parent;
        }
        if (task.IsCompleted)
        {
            if (!task.IsCompletedSuccessfully) _ = ObserveAsync(task, e.Name, activity);
            else activity?.Dispose();
            return null;
        }
        return ObserveAsync(task, e.Name, activity);
    }

    private static async Task ReleaseAfterAsync(Task running, IncomingPacket packet)
    {
        try { await running.ConfigureAwait(false); }
        finally { packet.Release(); }
    }

    private async Task ObserveAsync(Task task, string eventName, Activity? activity = null)
    {
        try { await task; }
        catch (Exception ex)
        {
            if (activity is not null) Activity.Current = activity; // the error line carries the event's trace id
            LogHandlerFailed(Namespace.Server.Logger, ex, eventName, Id);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
        }
        finally { activity?.Dispose(); }
    }

    internal void OnClose(string reason)
    {
        if (Interlocked.CompareExchange(ref _connected, Closed, 1) != 1) return;
        CancelDisconnected();
        Notify(_onDisconnecting, reason);
        if (Pid is not null) Persist(RecoverableReasons.Contains(reason));
        Namespace.Adapter.DelAll(Id);
        Namespace.Remove(this);
        _client.Remove(this);
        if (Volatile.Read(ref _pendingAcks) is { } pendingAcks)
            foreach (var pending in pendingAcks.Values) pending.TrySetException(new IOException($"Socket disconnected: {reason}"));
        Notify(_onDisconnect, reason);
    }

    /// <summary>What connection-state recovery keeps of this socket (rooms as they are now).</summary>
    internal SessionSnapshot Snapshot() => new(Id, Pid!, [.. Rooms], Data) { RecordOwner = RecordOwner };

    /// <summary>Set by an adapter that keeps this socket's session record current: the owner token its writes carry.</summary>
    internal string? RecordOwner;

    private void Persist(bool recoverable)
    {
        Task task;
        try { task = recoverable ? Namespace.Adapter.PersistSessionAsync(Snapshot()) : Namespace.Adapter.DiscardSessionAsync(Snapshot()); }
        catch (Exception ex)
        {
            LogHandlerFailed(Namespace.Server.Logger, ex, "persist session", Id);
            return;
        }
        if (!task.IsCompletedSuccessfully) _ = ObserveAsync(task, "persist session");
    }

    private void CancelDisconnected()
    {
        // Not disposed: a handler still holding the token may read or register on it after the disconnect.
        try { Volatile.Read(ref _disconnected)?.Cancel(); }
        catch (AggregateException ex) { LogHandlerFailed(Namespace.Server.Logger, ex, "disconnected token", Id); }
    }

    private void Notify(ImmutableArray<Action<string>> handlers, string reason)
    {
        foreach (var handler in handlers)
        {
            try { handler(reason); }
            catch (Exception ex) { LogHandlerFailed(Namespace.Server.Logger, ex, "disconnect", Id); }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read the packets socket {SocketId} missed; it is recovered without them")]
    private static partial void LogReplayFailed(ILogger logger, Exception ex, string socketId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler for \"{EventName}\" failed on socket {SocketId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string eventName, string socketId);
}
