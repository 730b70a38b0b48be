namespace Concord.SocketIO.Adapters;

/// <summary>
/// The single-node adapter: rooms as two maps (room → sockets, socket → rooms) under one lock
/// that is never held while sending. Multi-node adapters derive from it for the local part.
/// </summary>
public class InMemoryAdapter(SocketIONamespace nsp) : SocketIOAdapter(nsp)
{
    private static readonly IReadOnlySet<string> NoRooms = new HashSet<string>();

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _sids = new(StringComparer.Ordinal);
    private readonly InMemoryRecovery? _recovery = nsp.Server.Options.ConnectionStateRecovery is { } recovery ? new(recovery) : null;

    /// <inheritdoc />
    public override void AddAll(string socketId, IEnumerable<string> rooms)
    {
        lock (_lock)
        {
            if (!_sids.TryGetValue(socketId, out var joined)) _sids[socketId] = joined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var room in rooms)
            {
                joined.Add(room);
                if (!_rooms.TryGetValue(room, out var members)) _rooms[room] = members = new HashSet<string>(StringComparer.Ordinal);
                members.Add(socketId);
            }
        }
    }

    /// <inheritdoc />
    public override void Del(string socketId, string room)
    {
        lock (_lock)
        {
            if (_sids.TryGetValue(socketId, out var joined)) joined.Remove(room);
            RemoveFromRoom(socketId, room);
        }
    }

    /// <inheritdoc />
    public override void DelAll(string socketId)
    {
        lock (_lock)
        {
            if (!_sids.Remove(socketId, out var joined)) return;
            foreach (var room in joined) RemoveFromRoom(socketId, room);
        }
    }

    private void RemoveFromRoom(string socketId, string room)
    {
        if (!_rooms.TryGetValue(room, out var members)) return;
        members.Remove(socketId);
        if (members.Count == 0) _rooms.Remove(room);
    }

    /// <inheritdoc />
    public override IReadOnlySet<string> SocketRooms(string socketId)
    {
        lock (_lock) return _sids.TryGetValue(socketId, out var joined) ? new HashSet<string>(joined) : NoRooms;
    }

    /// <summary>Ids of the local sockets an operation targets; computed under the lock, used after it.</summary>
    protected List<string> LocalTargets(BroadcastOptions options)
    {
        var targets = new List<string>();
        lock (_lock)
        {
            HashSet<string>? excluded = null;
            foreach (var room in options.Except)
            {
                if (_rooms.TryGetValue(room, out var members)) (excluded ??= new(StringComparer.Ordinal)).UnionWith(members);
            }
            if (options.Rooms.Count == 0)
            {
                foreach (var sid in _sids.Keys)
                    if (excluded is null || !excluded.Contains(sid)) targets.Add(sid);
                return targets;
            }
            var seen = options.Rooms.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            foreach (var room in options.Rooms)
            {
                if (!_rooms.TryGetValue(room, out var members)) continue;
                foreach (var sid in members)
                {
                    if (excluded?.Contains(sid) == true || seen?.Add(sid) == false) continue;
                    targets.Add(sid);
                }
            }
        }
        return targets;
    }

    /// <inheritdoc />
    public override Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        if (_recovery is null) BroadcastLocal(packet, options);
        else _recovery.Broadcast(packet, options, (encoded, offset) => BroadcastLocal(encoded, options, offset));
        return Task.CompletedTask;
    }

    /// <summary>Delivers to this node's targeted sockets, encoding once and only if anyone is targeted.</summary>
    protected void BroadcastLocal(BroadcastPacket packet, BroadcastOptions options)
    {
        var targets = LocalTargets(options);
        if (targets.Count == 0) return;
        var encoded = packet.Encode();
        foreach (var sid in targets)
            if (Namespace.TryGetSocket(sid, out var socket)) socket.Send(encoded);
    }

    /// <summary>Delivers bytes encoded elsewhere (e.g. received from another node) to this node's targeted sockets.</summary>
    protected void BroadcastLocal(Protocol.EncodedPacket encoded, BroadcastOptions options) => BroadcastLocal(encoded, options, null);

    /// <summary>
    /// Delivers bytes encoded elsewhere to this node's targeted sockets; <paramref name="offset"/> is the
    /// connection-state recovery offset they carry, which a socket being recovered uses to drop duplicates.
    /// </summary>
    protected void BroadcastLocal(Protocol.EncodedPacket encoded, BroadcastOptions options, string? offset)
    {
        foreach (var sid in LocalTargets(options))
            if (Namespace.TryGetSocket(sid, out var socket)) socket.SendBroadcast(encoded, offset);
    }

    /// <inheritdoc />
    public override Task PersistSessionAsync(SessionSnapshot session)
    {
        _recovery?.Persist(session);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<SessionSnapshot?> RestoreSessionAsync(string pid, string offset) => Task.FromResult(_recovery?.Take(pid, offset));

    /// <inheritdoc />
    public override Task<IReadOnlyList<MissedPacket>> MissedPacketsAsync(SessionSnapshot session, string offset) =>
        Task.FromResult(_recovery?.Missed(session, offset) ?? []);

    /// <inheritdoc />
    public override Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var sid in LocalTargets(options))
            if (Namespace.TryGetSocket(sid, out var socket)) socket.Join(rooms);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var sid in LocalTargets(options))
        {
            if (!Namespace.TryGetSocket(sid, out var socket)) continue;
            foreach (var room in rooms) socket.Leave(room);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task DisconnectSocketsAsync(BroadcastOptions options, bool close)
    {
        foreach (var sid in LocalTargets(options))
            if (Namespace.TryGetSocket(sid, out var socket)) socket.Disconnect(close);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options) =>
        Task.FromResult(FetchLocalSockets(options));

    /// <summary>Snapshots of this node's targeted sockets (synchronous: rooms are local state).</summary>
    protected IReadOnlyList<RemoteSocket> FetchLocalSockets(BroadcastOptions options)
    {
        var result = new List<RemoteSocket>();
        foreach (var sid in LocalTargets(options))
        {
            if (!Namespace.TryGetSocket(sid, out var socket)) continue;
            result.Add(new RemoteSocket(Namespace, socket.Id, socket.Handshake, SocketRooms(sid), socket.Data));
        }
        return result;
    }
}
