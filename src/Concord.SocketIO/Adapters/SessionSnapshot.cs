using Concord.SocketIO.Protocol;

namespace Concord.SocketIO.Adapters;

/// <summary>What connection-state recovery keeps of a dropped socket.</summary>
/// <param name="Sid">The socket id given back to the client.</param>
/// <param name="Pid">The private session id the client presents when reconnecting.</param>
/// <param name="Rooms">The rooms to rejoin (the socket's own id included).</param>
/// <param name="Data">The socket's <c>Data</c> (as it came back from storage when it crossed Redis).</param>
public sealed record SessionSnapshot(string Sid, string Pid, IReadOnlyCollection<string> Rooms, object? Data)
{
    /// <summary>Which socket instance wrote the session's live record (Redis adapter), so an older one never overwrites it.</summary>
    internal string? RecordOwner { get; init; }
}

/// <summary>A broadcast packet a recovering socket missed, stamped with its offset.</summary>
/// <param name="Offset">The packet's offset (also its last argument on the wire).</param>
/// <param name="Packet">The packet, offset included, ready to queue.</param>
public sealed record MissedPacket(string Offset, EncodedPacket Packet);
