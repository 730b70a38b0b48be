using System.Collections.Concurrent;
using System.Globalization;
using Concord.Server.Infrastructure.Redis;
using Concord.Server.Realtime;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;
using StackExchange.Redis;

namespace Concord.Server.Features.Calls;

/// <summary>
/// Calls in Redis, one hash per call (socket id → "lease expiry ms:user id"), changed only by Lua scripts so that
/// "count the others, then add me" is one atomic step on every node. Each entry is a lease: the node that holds the
/// socket renews it (<see cref="CallLeaseRenewal"/>), so the entries of a node that crashed lapse after
/// <see cref="CallOptions.LeaseDuration"/> and are dropped by the next script that reads the call. Times are Redis's
/// own clock (TIME), so nodes with skewed clocks agree.
/// </summary>
internal sealed class RedisCallRegistry(IConnectionMultiplexer redis, RedisOptions redisOptions, CallOptions options) : ICallRegistry
{
    // Drops lapsed leases, then lists the live entries other than ARGV[1] as socket id, user id pairs. Shared prefix of
    // the two read scripts.
    private const string Live = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local entries = redis.call('HGETALL', KEYS[1])
        local others = {}
        local present = false
        for i = 1, #entries, 2 do
          local value = entries[i + 1]
          local sep = string.find(value, ':', 1, true)
          if tonumber(string.sub(value, 1, sep - 1)) <= now then
            redis.call('HDEL', KEYS[1], entries[i])
          elseif entries[i] == ARGV[1] then
            present = true
          else
            others[#others + 1] = entries[i]
            others[#others + 1] = string.sub(value, sep + 1)
          end
        end
        """;

    // ARGV: socket id, user id, capacity, lease ms. Returns {1, others…} when joined, {0} when full.
    private const string JoinScript = Live + "\n" + """
        if not present and #others / 2 >= tonumber(ARGV[3]) then return {0} end
        local lease = tonumber(ARGV[4])
        redis.call('HSET', KEYS[1], ARGV[1], (now + lease) .. ':' .. ARGV[2])
        redis.call('PEXPIRE', KEYS[1], lease * 2)
        table.insert(others, 1, 1)
        return others
        """;

    // ARGV: "" (no socket is excluded). Returns every live entry.
    private const string ParticipantsScript = Live + "\n" + """
        return others
        """;

    // KEYS: calls; ARGV: lease ms, then one socket id per key. Renews only entries still there: a socket that left, or
    // was pulled out by a kick on another node, is not put back.
    private const string RenewScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lease = tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          local value = redis.call('HGET', key, ARGV[i + 1])
          if value then
            local sep = string.find(value, ':', 1, true)
            redis.call('HSET', key, ARGV[i + 1], (now + lease) .. ':' .. string.sub(value, sep + 1))
            redis.call('PEXPIRE', key, lease * 2)
          end
        end
        return 0
        """;

    // This node's entries (with when they joined), renewed by CallLeaseRenewal until the socket leaves.
    private readonly ConcurrentDictionary<(string Call, string SocketId), long> _local = new();

    private RedisKey Key(string call) => $"{redisOptions.KeyPrefix}{call}";
    private long LeaseMs => (long)options.LeaseDuration.TotalMilliseconds;

    public async Task<IReadOnlyList<CallParticipant>?> TryJoinAsync(string call, string socketId, long userId, int capacity, CancellationToken ct)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(JoinScript, [Key(call)],
            [socketId, userId, capacity, LeaseMs]).WaitAsync(ct))!;
        if ((long)result[0] == 0) return null;
        _local.TryAdd((call, socketId), Environment.TickCount64);
        return Parse(result, 1);
    }

    public async Task LeaveAsync(string call, string socketId)
    {
        _local.TryRemove((call, socketId), out _);
        await redis.GetDatabase().HashDeleteAsync(Key(call), socketId);
    }

    public async Task<IReadOnlyList<CallParticipant>> ParticipantsAsync(string call, CancellationToken ct) =>
        Parse((RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ParticipantsScript, [Key(call)], [""]).WaitAsync(ct))!, 0);

    /// <summary>
    /// Renews the leases of this node's sockets that are still in their call, a few hundred per script, and drops the
    /// others' (pulled out of the call's room by a kick whose node could not reach this one, or by a deleted channel).
    /// </summary>
    public async Task RenewAsync(Func<string, string, bool> stillInCall)
    {
        // A join in progress is recorded here before its socket enters the call's room: give it time.
        var settled = Environment.TickCount64 - 10_000;
        var gone = _local.Where(e => e.Value < settled && !stillInCall(e.Key.Call, e.Key.SocketId)).Select(e => e.Key).ToList();
        foreach (var (call, socketId) in gone) await LeaveAsync(call, socketId);
        foreach (var chunk in _local.Keys.Chunk(256))
        {
            RedisValue[] args = [LeaseMs, .. chunk.Select(e => (RedisValue)e.SocketId)];
            await redis.GetDatabase().ScriptEvaluateAsync(RenewScript, [.. chunk.Select(e => Key(e.Call))], args);
        }
    }

    private static List<CallParticipant> Parse(RedisResult[] result, int from)
    {
        var participants = new List<CallParticipant>((result.Length - from) / 2);
        for (var i = from; i + 1 < result.Length; i += 2)
            participants.Add(new CallParticipant(long.Parse((string)result[i + 1]!, CultureInfo.InvariantCulture), (string)result[i]!));
        return participants;
    }
}

/// <summary>Renews this node's call leases every third of <see cref="CallOptions.LeaseDuration"/>.</summary>
internal sealed partial class CallLeaseRenewal(RedisCallRegistry registry, CallOptions options, SocketIOServer io, ILogger<CallLeaseRenewal> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LeaseDuration / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await registry.RenewAsync(StillInCall); }
            catch (Exception ex) { LogRenewFailed(logger, ex); }
        }
    }

    private bool StillInCall(string call, string socketId) =>
        io.Sockets.Sockets.TryGetValue(socketId, out var socket) && socket.Rooms.Contains(call);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this node's call leases; they lapse unless the next renewal succeeds")]
    private static partial void LogRenewFailed(ILogger logger, Exception ex);
}
