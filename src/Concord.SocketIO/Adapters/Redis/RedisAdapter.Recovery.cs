using StackExchange.Redis;

namespace Concord.SocketIO.Adapters.Redis;

internal static class RedisRecovery
{
    /// <summary>
    /// KEYS: stream, operations channel; ARGV: MAXLEN, broadcast frame, publish (1/0). Appends the
    /// frame to the stream and publishes it followed by its entry id (the offset), atomically, so
    /// every node and every later replay agree on the order.
    /// </summary>
    public const string AppendScript = """
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'f', ARGV[2])
        if ARGV[3] == '1' then redis.call('PUBLISH', KEYS[2], ARGV[2] .. id) end
        return id
        """;

    public const int ReplayBatch = 500;

    /// <summary>
    /// KEYS: session key; ARGV: record, TTL (ms), owner, mode. "claim" writes unconditionally (a socket's first write);
    /// "update" and "delete" act only while the stored record is this owner's, so a socket that lingers on one node
    /// after its client already recovered elsewhere (the client noticed the drop first) never overwrites or removes
    /// the record of the socket that replaced it.
    /// </summary>
    public const string WriteScript = """
        if ARGV[4] ~= 'claim' then
          local current = redis.call('GET', KEYS[1])
          if not current or not string.find(current, ARGV[3], 1, true) then return 0 end
        end
        if ARGV[4] == 'delete' then redis.call('UNLINK', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
        return 1
        """;
}

/// <summary>
/// Connection-state recovery kept in Redis, so a client can recover on any node, even when its node died:
/// the session record (sid, pid, rooms, <c>Data</c>) is written when a recoverable socket connects and each time
/// its rooms change, not only at disconnect. Cost: one SET (the record, a few hundred bytes) per join/leave call of
/// such a socket, sent without waiting (StackExchange.Redis pipelines it with the node's other commands; a small Lua
/// script, <see cref="RedisRecovery.WriteScript"/>, so a stale socket never overwrites a newer one's record), one SET
/// per live recoverable socket every half <c>MaxDisconnectionDuration</c> to keep the TTL ahead (and pick up
/// <c>Data</c> changes), and the SET or DEL at disconnect the session needed anyway.
/// </summary>
public sealed partial class RedisAdapter
{
    // Writes of one node's records go out in the order their snapshots were taken (the multiplexer keeps the
    // order commands are issued in); the lock is held to snapshot and issue, never across a round trip.
    private readonly Lock _recordLock = new();
    private Timer? _recordRefresh;
    private long _lastOwner;

    /// <summary>How long a live socket's record outlives its last write: a node that dies leaves it for at least <c>MaxDisconnectionDuration</c>.</summary>
    private TimeSpan LiveRecordTtl => _recovery!.MaxDisconnectionDuration + RecordRefreshPeriod;

    private TimeSpan RecordRefreshPeriod => _recovery!.MaxDisconnectionDuration / 2;

    private void StartRecordRefresh()
    {
        if (_recovery is null) return;
        _recordRefresh = new Timer(static s => ((RedisAdapter)s!).RefreshRecords(), this, RecordRefreshPeriod, RecordRefreshPeriod);
    }

    private void RefreshRecords()
    {
        foreach (var socket in Namespace.Sockets.Values) RecordLive(socket);
    }

    /// <inheritdoc />
    public override void AddAll(string socketId, IEnumerable<string> rooms)
    {
        base.AddAll(socketId, rooms);
        if (_recovery is not null && Namespace.TryGetSocket(socketId, out var socket)) RecordLive(socket);
    }

    /// <inheritdoc />
    public override void Del(string socketId, string room)
    {
        base.Del(socketId, room);
        if (_recovery is not null && Namespace.TryGetSocket(socketId, out var socket)) RecordLive(socket);
    }

    private void RecordLive(SocketIOSocket socket)
    {
        if (socket.Pid is null) return;
        lock (_recordLock)
        {
            // Checked under the lock: the disconnect's own write (below) takes it after the socket stopped being connected.
            if (!socket.Connected) return;
            var claim = socket.RecordOwner is null;
            socket.RecordOwner ??= $"{_nodeId}.{++_lastOwner}";
            WriteRecord(socket.Snapshot(), LiveRecordTtl, claim ? "claim" : "update");
        }
    }

    /// <summary>Keeps the session for <c>MaxDisconnectionDuration</c> after the drop.</summary>
    public override Task PersistSessionAsync(SessionSnapshot session)
    {
        if (_recovery is null) return Task.CompletedTask;
        lock (_recordLock) return WriteRecord(session, _recovery.MaxDisconnectionDuration, session.RecordOwner is null ? "claim" : "update");
    }

    /// <summary>A socket that left on purpose cannot be recovered: its live record goes.</summary>
    public override Task DiscardSessionAsync(SessionSnapshot session)
    {
        // No owner: this socket never wrote a record, so there is none of its own to remove.
        if (_recovery is null || session.RecordOwner is null) return Task.CompletedTask;
        lock (_recordLock) return WriteRecord(session, TimeSpan.Zero, "delete");
    }

    private Task WriteRecord(SessionSnapshot session, TimeSpan ttl, string mode)
    {
        var frame = new FrameWriter(RedisMessageType.Session, _nodeId);
        frame.String(session.Sid);
        frame.String(session.Pid);
        frame.Strings(session.Rooms);
        _codec.WriteData(frame, session.Data);
        // After the fields RestoreSessionAsync reads: the script finds it in the stored bytes.
        frame.String(session.RecordOwner ?? "");
        return ObserveAsync(_redis.GetDatabase().ScriptEvaluateAsync(RedisRecovery.WriteScript, [_channels.Session(session.Pid)],
            [frame.ToArray(), (long)ttl.TotalMilliseconds, session.RecordOwner ?? "", mode]));
    }

    /// <summary>Takes the session (GETDEL) if the stream still holds the client's offset.</summary>
    public override async Task<SessionSnapshot?> RestoreSessionAsync(string pid, string offset)
    {
        if (_recovery is null || !Offsets.TryParse(offset, out _, out _)) return null;
        var db = _redis.GetDatabase();
        var stored = db.StringGetDeleteAsync(_channels.Session(pid));
        var atOffset = db.StreamRangeAsync(_channels.Stream, offset, offset, 1);
        await Task.WhenAll(stored, atOffset);
        if (stored.Result.IsNull || atOffset.Result.Length == 0) return null;
        var reader = new FrameReader((byte[])stored.Result!);
        if (reader.Type != RedisMessageType.Session) return null;
        return new SessionSnapshot(reader.String(), reader.String(), reader.Strings(), _codec.ReadData(reader));
    }

    /// <summary>Reads the stream after <paramref name="offset"/> (XRANGE in batches) and keeps the packets aimed at the session's rooms.</summary>
    public override async Task<IReadOnlyList<MissedPacket>> MissedPacketsAsync(SessionSnapshot session, string offset)
    {
        var missed = new List<MissedPacket>();
        var db = _redis.GetDatabase();
        var after = offset;
        while (true)
        {
            var entries = await db.StreamRangeAsync(_channels.Stream, "(" + after, "+", RedisRecovery.ReplayBatch);
            foreach (var entry in entries)
            {
                var reader = new FrameReader((byte[])entry["f"]!);
                var options = reader.Options();
                if (reader.Type != RedisMessageType.Broadcast || !Targets(options, session.Rooms)) continue;
                var text = reader.Bytes();
                var attachments = new ReadOnlyMemory<byte>[reader.Int()];
                for (var i = 0; i < attachments.Length; i++) attachments[i] = reader.Bytes();
                var id = entry.Id.ToString();
                missed.Add(new MissedPacket(id, Offsets.Stamp(text, attachments, id)));
            }
            if (entries.Length < RedisRecovery.ReplayBatch) return missed;
            after = entries[^1].Id.ToString();
        }
    }
}
