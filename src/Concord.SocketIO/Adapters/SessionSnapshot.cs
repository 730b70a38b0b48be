using Concord.SocketIO.Protocol;

namespace Concord.SocketIO.Adapters;

/// <summary>What connection-state recovery keeps of a dropped socket, and the packets it missed.</summary>
/// <param name="Sid">The socket id given back to the client.</param>
/// <param name="Pid">The private session id the client presents when reconnecting.</param>
/// <param name="Rooms">The rooms to rejoin.</param>
/// <param name="Data">The socket's <c>Data</c>.</param>
/// <param name="MissedPackets">Packets to replay, oldest first (filled by <c>RestoreSessionAsync</c>).</param>
public sealed record SessionSnapshot(string Sid, string Pid, IReadOnlyCollection<string> Rooms, object? Data, IReadOnlyList<EncodedPacket> MissedPackets);
