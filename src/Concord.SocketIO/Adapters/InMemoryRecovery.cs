using System.Diagnostics;

namespace Concord.SocketIO.Adapters;

/// <summary>
/// The in-memory half of connection-state recovery (socket.io-adapter's SessionAwareAdapter):
/// dropped sessions by private id and a log of recent broadcasts, both bounded by
/// <c>MaxDisconnectionDuration</c>, the log also by <c>MaxRetainedPackets</c>.
/// </summary>
internal sealed class InMemoryRecovery(ConnectionStateRecoveryOptions options)
{
    private sealed record Entry(long Id, string Offset, BroadcastOptions Options, Protocol.EncodedPacket Packet, long EmittedAt);

    private readonly Lock _lock = new();
    private readonly Queue<Entry> _log = new();
    private readonly Dictionary<string, (SessionSnapshot Session, long DisconnectedAt)> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<(string Pid, long DisconnectedAt)> _expiries = new();
    private readonly long _maxAge = (long)(options.MaxDisconnectionDuration.TotalSeconds * Stopwatch.Frequency);
    private long _lastId;

    /// <summary>
    /// Stamps the packet with the next offset, logs it and delivers it, all under one lock, so a
    /// socket being restored sees each packet either in the log or live, never both, never neither.
    /// </summary>
    public void Broadcast(BroadcastPacket packet, BroadcastOptions broadcast, Action<Protocol.EncodedPacket, Protocol.EncodedPacket, string> deliver)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            Prune(now);
            var id = ++_lastId;
            var offset = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Encoded once; the offset is appended to a copy of the bytes for the clients that asked for it.
            var plain = packet.Encode();
            var stamped = Offsets.Stamp(plain.Text, plain.Attachments, offset);
            _log.Enqueue(new Entry(id, offset, broadcast, stamped, now));
            if (_log.Count > options.MaxRetainedPackets) _log.Dequeue();
            deliver(plain, stamped, offset);
        }
    }

    public void Persist(SessionSnapshot session)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            Prune(now);
            _sessions[session.Pid] = (session, now);
            _expiries.Enqueue((session.Pid, now));
        }
    }

    public SessionSnapshot? Take(string pid, string offset)
    {
        lock (_lock)
        {
            Prune(Stopwatch.GetTimestamp());
            if (!_sessions.Remove(pid, out var entry)) return null;
            // The packet at the client's offset must still be here, or some it missed may be gone.
            return Offsets.TryParse(offset, out var id, out var minor) && minor == 0
                && _log.TryPeek(out var oldest) && oldest.Id <= id && id <= _lastId ? entry.Session : null;
        }
    }

    public IReadOnlyList<MissedPacket> Missed(SessionSnapshot session, string offset)
    {
        Offsets.TryParse(offset, out var after, out _);
        var missed = new List<MissedPacket>();
        lock (_lock)
        {
            foreach (var entry in _log)
                if (entry.Id > after && SocketIOAdapter.Targets(entry.Options, session.Rooms)) missed.Add(new MissedPacket(entry.Offset, entry.Packet));
        }
        return missed;
    }

    private void Prune(long now)
    {
        var threshold = now - _maxAge;
        while (_log.TryPeek(out var oldest) && oldest.EmittedAt < threshold) _log.Dequeue();
        while (_expiries.TryPeek(out var expiry) && expiry.DisconnectedAt < threshold)
        {
            _expiries.Dequeue();
            if (_sessions.TryGetValue(expiry.Pid, out var current) && current.DisconnectedAt == expiry.DisconnectedAt) _sessions.Remove(expiry.Pid);
        }
    }
}
