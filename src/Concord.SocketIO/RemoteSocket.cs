namespace Concord.SocketIO;

/// <summary>
/// A snapshot of a socket returned by <c>FetchSockets</c>, possibly living on another node:
/// its operations go through the adapter, addressed to the socket's own room.
/// </summary>
public sealed class RemoteSocket(SocketIONamespace nsp, string id, SocketIOHandshake handshake, IReadOnlySet<string> rooms, object? data)
{
    /// <summary>The socket id.</summary>
    public string Id { get; } = id;

    /// <summary>The socket's handshake.</summary>
    public SocketIOHandshake Handshake { get; } = handshake;

    /// <summary>The rooms the socket was in when fetched.</summary>
    public IReadOnlySet<string> Rooms { get; } = rooms;

    /// <summary>The socket's <c>Data</c> when fetched.</summary>
    public object? Data { get; } = data;

    /// <summary>Emits an event to this socket.</summary>
    public Task Emit(string eventName, params object?[] args) => nsp.To(Id).Emit(eventName, args);

    /// <summary>Makes the socket join rooms.</summary>
    public Task Join(params string[] rooms) => nsp.To(Id).SocketsJoin(rooms);

    /// <summary>Makes the socket leave rooms.</summary>
    public Task Leave(params string[] rooms) => nsp.To(Id).SocketsLeave(rooms);

    /// <summary>Disconnects the socket; <paramref name="close"/> also closes its connection.</summary>
    public Task Disconnect(bool close = false) => nsp.To(Id).DisconnectSockets(close);
}
