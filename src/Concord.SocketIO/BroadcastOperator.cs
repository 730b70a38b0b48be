using Concord.SocketIO.Adapters;

namespace Concord.SocketIO;

/// <summary>
/// Targets a set of sockets of one namespace (rooms, minus excluded rooms) for an emit or a
/// bulk operation. Immutable: each <c>To</c>/<c>Except</c> returns a new operator.
/// </summary>
public sealed class BroadcastOperator
{
    private readonly SocketIONamespace _nsp;
    private readonly RoomSet _rooms;
    private readonly RoomSet _except;
    private readonly bool _local;
    private BroadcastOptions? _options;

    internal BroadcastOperator(SocketIONamespace nsp, RoomSet rooms, RoomSet except, bool local)
    {
        _nsp = nsp;
        _rooms = rooms;
        _except = except;
        _local = local;
    }

    /// <summary>Every socket of the namespace (one shared instance per namespace: operators are immutable).</summary>
    internal static BroadcastOperator All(SocketIONamespace nsp) => nsp.AllSockets;

    /// <summary>Also targets the sockets in <paramref name="rooms"/>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => new(_nsp, _rooms.Union(rooms), _except, _local);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(params IEnumerable<string> rooms) => To(rooms);

    /// <summary>Skips the sockets in <paramref name="rooms"/>.</summary>
    public BroadcastOperator Except(params IEnumerable<string> rooms) => new(_nsp, _rooms, _except.Union(rooms), _local);

    /// <summary>Limits the operation to this node (a multi-node adapter does not forward it).</summary>
    public BroadcastOperator Local => new(_nsp, _rooms, _except, true);

    // Built once per operator (an operator is immutable), not once per call.
    private BroadcastOptions Options => _options ??= new(_rooms, _except, _local);

    /// <summary>Emits an event to the targeted sockets; it is encoded once for all of them.</summary>
    public Task Emit(string eventName, params object?[] args)
    {
        SocketIOSocket.ThrowIfReserved(eventName);
        return _nsp.Adapter.BroadcastAsync(new BroadcastPacket(_nsp.Name, eventName, args, _nsp.Server.Json), Options);
    }

    /// <summary>Makes the targeted sockets join <paramref name="rooms"/>.</summary>
    public Task SocketsJoin(params string[] rooms) => _nsp.Adapter.AddSocketsAsync(Options, rooms);

    /// <summary>Makes the targeted sockets leave <paramref name="rooms"/>.</summary>
    public Task SocketsLeave(params string[] rooms) => _nsp.Adapter.DelSocketsAsync(Options, rooms);

    /// <summary>Disconnects the targeted sockets; <paramref name="close"/> also closes their connections.</summary>
    public Task DisconnectSockets(bool close = false) => _nsp.Adapter.DisconnectSocketsAsync(Options, close);

    /// <summary>Snapshots of the targeted sockets.</summary>
    public Task<IReadOnlyList<RemoteSocket>> FetchSockets() => _nsp.Adapter.FetchSocketsAsync(Options);
}
