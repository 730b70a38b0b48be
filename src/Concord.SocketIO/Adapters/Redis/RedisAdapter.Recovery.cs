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
}

/// <summary>Connection-state recovery kept in Redis, so a client can recover on any node.</summary>
public sealed partial class RedisAdapter
{
    /// <summary>Stores the session as a key that expires after <c>MaxDisconnectionDuration</c>.</summary>
    public override Task PersistSessionAsync(SessionSnapshot session)
    {
        if (_recovery is null) return Task.CompletedTask;
        var frame = new FrameWriter(RedisMessageType.Session, _nodeId);
        frame.String(session.Sid);
        frame.String(session.Pid);
        frame.Strings(session.Rooms);
        _codec.WriteData(frame, session.Data);
        return ObserveAsync(_redis.GetDatabase().StringSetAsync(_channels.Session(session.Pid), frame.ToArray(), _recovery.MaxDisconnectionDuration));
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
