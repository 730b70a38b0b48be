using Concord.SocketIO.Adapters;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO;

/// <summary>
/// Makes a recovered socket receive each missed broadcast exactly once and in order. The socket
/// rejoins its rooms before the missed packets are read, so a broadcast is in the log, live, or
/// both: live ones are held until the replay is queued, then only those past the last replayed
/// offset go out, and later duplicates (Redis delivers live copies late) are dropped by offset.
/// </summary>
internal sealed class RecoveryGate
{
    private readonly Lock _lock = new();
    private List<(string Offset, EncodedPacket Packet)>? _held = [];
    private string? _replayedUpTo;

    /// <summary>True when the caller should send the broadcast now; false when it was held or already replayed.</summary>
    public bool Admit(EncodedPacket packet, string offset)
    {
        lock (_lock)
        {
            if (_held is not null)
            {
                _held.Add((offset, packet));
                return false;
            }
            return Offsets.Compare(offset, _replayedUpTo!) > 0;
        }
    }

    /// <summary>Queues the CONNECT answer, the missed packets, then the held ones not already replayed.</summary>
    public void Release(Func<EncodedPacket, bool> send, EncodedPacket connect, IReadOnlyList<MissedPacket> missed, string offset)
    {
        lock (_lock)
        {
            send(connect);
            var last = offset;
            foreach (var packet in missed)
            {
                if (Offsets.Compare(packet.Offset, last) <= 0) continue;
                send(packet.Packet);
                last = packet.Offset;
            }
            foreach (var (heldOffset, packet) in _held!)
            {
                if (Offsets.Compare(heldOffset, last) <= 0) continue;
                send(packet);
                last = heldOffset;
            }
            _held = null;
            _replayedUpTo = last;
        }
    }
}
