namespace Concord.SocketIO.Adapters;

/// <summary>Who a broadcast or a bulk room/disconnect operation targets.</summary>
/// <param name="Rooms">Sockets in any of these rooms; empty means every socket of the namespace.</param>
/// <param name="Except">Sockets in any of these rooms are skipped (a socket's own id is a room).</param>
/// <param name="Local">True to stay on this node: a multi-node adapter must not forward it.</param>
public sealed record BroadcastOptions(IReadOnlySet<string> Rooms, IReadOnlySet<string> Except, bool Local);
