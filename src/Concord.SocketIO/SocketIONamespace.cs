using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Concord.SocketIO.Adapters;
using Concord.SocketIO.Protocol;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO;

/// <summary>
/// A namespace: its middleware, connection handlers, local sockets and adapter (rooms and
/// broadcasts). Obtain it with <see cref="SocketIOServer.Of(string)"/>.
/// </summary>
public sealed class SocketIONamespace
{
    private readonly ConcurrentDictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private ImmutableArray<Func<SocketIOSocket, Func<Task>, Task>> _middlewares = [];
    private ImmutableArray<Func<SocketIOSocket, Task>> _onConnection = [];
    // Handlers every socket of the namespace runs (On below): held once here, not once per socket.
    private EventHandlerEntry[] _handlers = [];

    internal SocketIONamespace(SocketIOServer server, string name, IServiceProvider services)
    {
        Server = server;
        Name = name;
        Adapter = server.Options.AdapterFactory(this, services);
        AllSockets = new BroadcastOperator(this, RoomSet.Empty, RoomSet.Empty, false);
    }

    /// <summary>The operator targeting every socket; <c>To</c>/<c>Except</c> start from it.</summary>
    internal BroadcastOperator AllSockets { get; }

    /// <summary>The namespace name, e.g. "/" or "/admin".</summary>
    public string Name { get; }

    /// <summary>The server.</summary>
    public SocketIOServer Server { get; }

    /// <summary>The adapter holding this namespace's rooms.</summary>
    public SocketIOAdapter Adapter { get; }

    /// <summary>The sockets connected to this namespace on this node, by id.</summary>
    public IReadOnlyDictionary<string, SocketIOSocket> Sockets => _sockets;

    /// <summary>
    /// Adds a middleware run for every connection before it is accepted. Call <c>next()</c> to
    /// continue; throw <see cref="ConnectionRejectedException"/> to refuse with a message and data.
    /// </summary>
    public SocketIONamespace Use(Func<SocketIOSocket, Func<Task>, Task> middleware)
    {
        ImmutableInterlocked.Update(ref _middlewares, static (list, m) => list.Add(m), middleware);
        return this;
    }

    /// <summary>Adds a handler called for each accepted socket (register its events there).</summary>
    public SocketIONamespace OnConnection(Action<SocketIOSocket> handler) =>
        OnConnection(socket => { handler(socket); return Task.CompletedTask; });

    /// <summary>Adds an asynchronous handler called for each accepted socket; events arriving before its first await are not lost.</summary>
    public SocketIONamespace OnConnection(Func<SocketIOSocket, Task> handler)
    {
        ImmutableInterlocked.Update(ref _onConnection, static (list, h) => list.Add(h), handler);
        return this;
    }

    /// <summary>
    /// Registers a handler for an event on every socket of this namespace, connected now or later (<see cref="SocketIOEvent.Socket"/>
    /// says which one sent it; per-connection state belongs in <see cref="SocketIOSocket.Data"/>). The same as calling
    /// <see cref="SocketIOSocket.On(string, Func{SocketIOEvent, Task})"/> in <see cref="OnConnection(Action{SocketIOSocket})"/>,
    /// without a delegate and a closure per socket: an application with many events and many idle connections holds its
    /// handlers once. A socket's own handlers for the same name run first. A Concord extension (the JS server has none).
    /// </summary>
    public SocketIONamespace On(string eventName, Func<SocketIOEvent, Task> handler) => AddHandler(eventName, handler);

    /// <summary>Registers a synchronous handler for an event on every socket of this namespace (see the other overload).</summary>
    public SocketIONamespace On(string eventName, Action<SocketIOEvent> handler) => AddHandler(eventName, handler);

    private SocketIONamespace AddHandler(string eventName, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        EventHandlerEntry.Add(ref _handlers, new EventHandlerEntry(eventName, handler));
        return this;
    }

    internal EventHandlerEntry[] Handlers => Volatile.Read(ref _handlers);

    /// <summary>Targets the sockets in <paramref name="rooms"/>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => BroadcastOperator.All(this).To(rooms);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(params IEnumerable<string> rooms) => To(rooms);

    /// <summary>Targets every socket except those in <paramref name="rooms"/>.</summary>
    public BroadcastOperator Except(params IEnumerable<string> rooms) => BroadcastOperator.All(this).Except(rooms);

    /// <summary>Limits the next operation to this node.</summary>
    public BroadcastOperator Local => BroadcastOperator.All(this).Local;

    /// <summary>Emits an event to every socket of the namespace.</summary>
    public Task Emit(string eventName, params object?[] args) => BroadcastOperator.All(this).Emit(eventName, args);

    /// <summary>Makes every socket join <paramref name="rooms"/>.</summary>
    public Task SocketsJoin(params string[] rooms) => BroadcastOperator.All(this).SocketsJoin(rooms);

    /// <summary>Makes every socket leave <paramref name="rooms"/>.</summary>
    public Task SocketsLeave(params string[] rooms) => BroadcastOperator.All(this).SocketsLeave(rooms);

    /// <summary>Disconnects every socket of the namespace.</summary>
    public Task DisconnectSockets(bool close = false) => BroadcastOperator.All(this).DisconnectSockets(close);

    /// <summary>Snapshots of every socket of the namespace.</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSockets() => BroadcastOperator.All(this).FetchSockets();

    internal bool TryGetSocket(string id, [MaybeNullWhen(false)] out SocketIOSocket socket) => _sockets.TryGetValue(id, out socket);

    internal void Remove(SocketIOSocket socket) => _sockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket));

    /// <summary>Runs the middleware and, if accepted, connects the socket; returns null when refused.</summary>
    internal async Task<SocketIOSocket?> ConnectAsync(SocketIOClient client, JsonElement? auth)
    {
        var (session, offset) = await RestoreSessionAsync(auth);
        var socket = new SocketIOSocket(this, client, new SocketIOHandshake(client.Connection.Request, auth), session, AsksForRecovery(auth));
        if (session is null || !Server.Options.ConnectionStateRecovery!.SkipMiddlewares)
        {
            var refusal = await RunMiddlewareAsync(socket);
            if (refusal is not null)
            {
                client.Send(refusal);
                return null;
            }
        }
        if (!client.Connection.IsOpen) return null;
        if (!Server.Options.KeepHandshakeAuth) socket.Handshake.ReleaseAuth();

        _sockets[socket.Id] = socket;
        client.Register(socket);
        if (session is null) socket.OnConnected();
        else await socket.OnRecoveredAsync(session, offset!);
        foreach (var handler in _onConnection)
        {
            try
            {
                var task = handler(socket);
                if (!task.IsCompletedSuccessfully) _ = ObserveAsync(task);
            }
            catch (Exception ex) { Server.Logger.LogError(ex, "Connection handler failed in namespace {Namespace}", Name); }
        }
        return socket;
    }

    /// <summary>
    /// Whether this client takes broadcast offsets, the extra last argument recovery needs. The official JS client
    /// (≥ 4.6) reads it, but other clients (python-socketio, Swift, Java, Dart, .NET) pass it to handlers as one more
    /// argument, so it goes only to clients that show they handle it: the JS client sends <c>pid</c> in every CONNECT
    /// once it has one, and an app asks for the first connection with <c>auth: { recover: true }</c>
    /// (<see cref="ConnectionStateRecoveryOptions.OffsetsForEveryClient"/> restores the JS server's behaviour).
    /// </summary>
    private bool AsksForRecovery(JsonElement? auth)
    {
        if (Server.Options.ConnectionStateRecovery is not { } recovery) return false;
        if (recovery.OffsetsForEveryClient) return true;
        return auth is { ValueKind: JsonValueKind.Object } payload
            && ((payload.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.String)
                || (payload.TryGetProperty("recover", out var recover) && recover.ValueKind == JsonValueKind.True));
    }

    /// <summary>The dropped session the client asks back with <c>pid</c> and <c>offset</c> in its CONNECT payload, if still recoverable.</summary>
    private async Task<(SessionSnapshot? Session, string? Offset)> RestoreSessionAsync(JsonElement? auth)
    {
        if (Server.Options.ConnectionStateRecovery is null
            || auth is not { ValueKind: JsonValueKind.Object } payload
            || !payload.TryGetProperty("pid", out var pid) || pid.ValueKind != JsonValueKind.String
            || !payload.TryGetProperty("offset", out var offset) || offset.ValueKind != JsonValueKind.String)
            return (null, null);
        try
        {
            var session = await Adapter.RestoreSessionAsync(pid.GetString()!, offset.GetString()!);
            SocketIOTelemetry.RecoveryAttempted(session is null ? "missed" : "recovered");
            return (session, offset.GetString());
        }
        catch (Exception ex)
        {
            SocketIOTelemetry.RecoveryAttempted("failed");
            // As in the JS server, a failed restore is a fresh connection, not a refusal.
            Server.Logger.LogError(ex, "Could not restore a session in namespace {Namespace}", Name);
            return (null, null);
        }
    }

    private async Task<EncodedPacket?> RunMiddlewareAsync(SocketIOSocket socket)
    {
        var middlewares = _middlewares;
        var reachedEnd = false;
        Task Next(int index)
        {
            if (index == middlewares.Length)
            {
                reachedEnd = true;
                return Task.CompletedTask;
            }
            return middlewares[index](socket, () => Next(index + 1));
        }
        try
        {
            await Next(0);
            return reachedEnd ? null : PacketEncoder.ConnectError(Name, "Connection rejected", null, Server.Json);
        }
        catch (ConnectionRejectedException ex)
        {
            return PacketEncoder.ConnectError(Name, ex.Message, ex.Payload, Server.Json);
        }
        catch (Exception ex)
        {
            // Internal details stay in the log; the client only learns that the server failed.
            Server.Logger.LogError(ex, "Middleware failed in namespace {Namespace}", Name);
            return PacketEncoder.ConnectError(Name, "Internal server error", null, Server.Json);
        }
    }

    private async Task ObserveAsync(Task task)
    {
        try { await task; }
        catch (Exception ex) { Server.Logger.LogError(ex, "Connection handler failed in namespace {Namespace}", Name); }
    }
}
