using System.Buffers;
using System.Runtime.InteropServices;

namespace Concord.SocketIO.Adapters;

/// <summary>
/// The single-node adapter: rooms as two maps (room → sockets, socket → rooms) under one lock
/// that is never held while sending. Multi-node adapters derive from it for the local part. Each map's
/// value is a <see cref="MemberSet"/> slot, so one-member rooms and one-room sockets cost no set object.
/// </summary>
public class InMemoryAdapter(SocketIONamespace nsp) : SocketIOAdapter(nsp)
{
    private static readonly IReadOnlySet<string> NoRooms = new HashSet<string>();

    private readonly Lock _lock = new();
    private readonly Dictionary<string, object?> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _sids = new(StringComparer.Ordinal);
    private readonly InMemoryRecovery? _recovery = nsp.Server.Options.ConnectionStateRecovery is { } recovery ? new(recovery) : null;

    /// <inheritdoc />
    public override void AddAll(string socketId, IEnumerable<string> rooms)
    {
        lock (_lock)
        {
            // The socket is registered even when it joins no room (it still counts for broadcasts to all).
            CollectionsMarshal.GetValueRefOrAddDefault(_sids, socketId, out _);
            foreach (var room in rooms)
            {
                // Looked up again per room: adding a room may move the dictionary's entries.
                MemberSet.Add(ref CollectionsMarshal.GetValueRefOrAddDefault(_sids, socketId, out _), room);
                MemberSet.Add(ref CollectionsMarshal.GetValueRefOrAddDefault(_rooms, room, out _), socketId);
            }
        }
    }

    /// <inheritdoc />
    public override void Del(string socketId, string room)
    {
        lock (_lock)
        {
            ref var joined = ref CollectionsMarshal.GetValueRefOrNullRef(_sids, socketId);
            // A socket that left its last room keeps its entry (an empty set), as it did with a HashSet.
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref joined)) MemberSet.Remove(ref joined, room);
            RemoveFromRoom(socketId, room);
        }
    }

    /// <inheritdoc />
    public override void DelAll(string socketId)
    {
        lock (_lock)
        {
            if (!_sids.Remove(socketId, out var joined)) return;
            foreach (var room in new MemberSet(joined)) RemoveFromRoom(socketId, room);
        }
    }

    private void RemoveFromRoom(string socketId, string room)
    {
        ref var members = ref CollectionsMarshal.GetValueRefOrNullRef(_rooms, room);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref members)) return;
        if (MemberSet.Remove(ref members, socketId)) _rooms.Remove(room);
    }

    /// <inheritdoc />
    public override IReadOnlySet<string> SocketRooms(string socketId)
    {
        lock (_lock) return _sids.TryGetValue(socketId, out var joined) ? new MemberSet(joined).ToHashSet() : NoRooms;
    }

    /// <summary>Ids of the local sockets an operation targets; computed under the lock, used after it.</summary>
    protected List<string> LocalTargets(BroadcastOptions options)
    {
        var targets = RentTargets(options, out var count);
        var list = new List<string>(count);
        for (var i = 0; i < count; i++) list.Add(targets[i]);
        ReturnTargets(targets, count);
        return list;
    }

    /// <summary>
    /// The ids an operation targets, in an array rented from the shared pool (no list per broadcast): filled
    /// under the lock, used after it. Neither the lock nor a per-thread buffer may span the sends: a send may
    /// drop a slow client, whose disconnect handlers may leave rooms and broadcast again on this thread.
    /// Give it back with <see cref="ReturnTargets"/>.
    /// </summary>
    private string[] RentTargets(BroadcastOptions options, out int count)
    {
        string[] items = [];
        count = 0;
        lock (_lock)
        {
            HashSet<string>? excluded = null;
            if (options.Except.Count > 0)
            {
                foreach (var room in options.Except)
                {
                    if (!_rooms.TryGetValue(room, out var members)) continue;
                    excluded ??= new(StringComparer.Ordinal);
                    foreach (var sid in new MemberSet(members)) excluded.Add(sid);
                }
            }
            if (options.Rooms.Count == 0)
            {
                Reserve(ref items, count, _sids.Count);
                foreach (var sid in _sids.Keys)
                    if (excluded is null || !excluded.Contains(sid)) items[count++] = sid;
                return items;
            }
            if (options.Rooms is RoomSet { Count: 1 } single)
            {
                // io.To(room).Emit(…): one room, so no duplicate check and no enumerator object for the rooms.
                if (!_rooms.TryGetValue(single.Items[0], out var slot)) return items;
                var members = new MemberSet(slot);
                Reserve(ref items, count, members.Count);
                foreach (var sid in members)
                    if (excluded is null || !excluded.Contains(sid)) items[count++] = sid;
                return items;
            }
            var seen = options.Rooms.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            foreach (var room in options.Rooms)
            {
                if (!_rooms.TryGetValue(room, out var slot)) continue;
                var members = new MemberSet(slot);
                Reserve(ref items, count, members.Count);
                foreach (var sid in members)
                {
                    if (excluded?.Contains(sid) == true || seen?.Add(sid) == false) continue;
                    items[count++] = sid;
                }
            }
        }
        return items;
    }

    private static void Reserve(ref string[] items, int count, int more)
    {
        if (count + more <= items.Length) return;
        var bigger = ArrayPool<string>.Shared.Rent(count + more);
        Array.Copy(items, bigger, count);
        ReturnTargets(items, count);
        items = bigger;
    }

    private static void ReturnTargets(string[] items, int count)
    {
        if (items.Length == 0) return;
        Array.Clear(items, 0, count);
        ArrayPool<string>.Shared.Return(items);
    }

    /// <inheritdoc />
    public override Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options)
    {
        SocketIOTelemetry.Broadcast(packet.EventName);
        if (_recovery is null) BroadcastLocal(packet, options);
        else _recovery.Broadcast(packet, options, (plain, stamped, offset) => BroadcastLocal(plain, stamped, options, offset));
        return Task.CompletedTask;
    }

    /// <summary>Delivers to this node's targeted sockets, encoding once and only if anyone is targeted.</summary>
    protected void BroadcastLocal(BroadcastPacket packet, BroadcastOptions options)
    {
        var targets = RentTargets(options, out var count);
        SocketIOTelemetry.Delivered(count);
        if (count == 0) return;
        try
        {
            var encoded = packet.Encode();
            using var inline = EngineIO.InlineSends.SuppressFor(count);
            for (var i = 0; i < count; i++)
                if (Namespace.TryGetSocket(targets[i], out var socket)) socket.Send(encoded);
        }
        finally { ReturnTargets(targets, count); }
    }

    /// <summary>Delivers bytes encoded elsewhere (e.g. received from another node) to this node's targeted sockets.</summary>
    protected void BroadcastLocal(Protocol.EncodedPacket encoded, BroadcastOptions options) => BroadcastLocal(encoded, null, options, null);

    /// <summary>
    /// Delivers bytes encoded elsewhere to this node's targeted sockets. With connection-state recovery,
    /// <paramref name="stamped"/> is the same packet carrying <paramref name="offset"/> as its last argument: it goes
    /// to the sockets whose clients asked for offsets (and a socket being recovered uses the offset to drop
    /// duplicates); the others get <paramref name="plain"/>, exactly the arguments emitted.
    /// </summary>
    protected void BroadcastLocal(Protocol.EncodedPacket plain, Protocol.EncodedPacket? stamped, BroadcastOptions options, string? offset)
    {
        var targets = RentTargets(options, out var count);
        SocketIOTelemetry.Delivered(count);
        try
        {
            using var inline = EngineIO.InlineSends.SuppressFor(count);
            for (var i = 0; i < count; i++)
                if (Namespace.TryGetSocket(targets[i], out var socket)) socket.SendBroadcast(plain, stamped, offset);
        }
        finally { ReturnTargets(targets, count); }
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
