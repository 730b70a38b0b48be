using System.Collections.Concurrent;
using Concord.Server.Infrastructure.Redis;
using StackExchange.Redis;

namespace Concord.Server.Realtime;

/// <summary>
/// Presence derived from live sockets on every node: a user is online when any socket is active,
/// idle when all are idle, offline when none is connected (a second tab keeps the user online).
/// </summary>
public interface IPresenceStore
{
    /// <summary>Records the socket's status; returns the user's aggregate status before and after.</summary>
    Task<(PresenceStatus Before, PresenceStatus After)> SetAsync(long userId, string socketId, PresenceStatus status);
    Task<(PresenceStatus Before, PresenceStatus After)> RemoveAsync(long userId, string socketId);
    Task<IReadOnlyDictionary<long, PresenceStatus>> GetManyAsync(IReadOnlyCollection<long> userIds);
    /// <summary>Keeps this node's entries alive (Redis: they expire if a node dies without cleaning up).</summary>
    Task RefreshAsync(IReadOnlyCollection<long> userIds);
}

internal static class Presence
{
    public static PresenceStatus Aggregate(IEnumerable<PresenceStatus> sockets) =>
        sockets.DefaultIfEmpty(PresenceStatus.Offline).Max();
}

internal sealed class InMemoryPresenceStore : IPresenceStore
{
    private readonly ConcurrentDictionary<long, Dictionary<string, PresenceStatus>> _users = new();

    public Task<(PresenceStatus, PresenceStatus)> SetAsync(long userId, string socketId, PresenceStatus status) =>
        Task.FromResult(Update(userId, sockets => sockets[socketId] = status));

    public Task<(PresenceStatus, PresenceStatus)> RemoveAsync(long userId, string socketId) =>
        Task.FromResult(Update(userId, sockets => sockets.Remove(socketId)));

    public Task<IReadOnlyDictionary<long, PresenceStatus>> GetManyAsync(IReadOnlyCollection<long> userIds)
    {
        var result = new Dictionary<long, PresenceStatus>(userIds.Count);
        foreach (var id in userIds)
        {
            if (!_users.TryGetValue(id, out var sockets)) { result[id] = PresenceStatus.Offline; continue; }
            lock (sockets) result[id] = Presence.Aggregate(sockets.Values);
        }
        return Task.FromResult<IReadOnlyDictionary<long, PresenceStatus>>(result);
    }

    public Task RefreshAsync(IReadOnlyCollection<long> userIds) => Task.CompletedTask;

    private (PresenceStatus, PresenceStatus) Update(long userId, Action<Dictionary<string, PresenceStatus>> change)
    {
        var sockets = _users.GetOrAdd(userId, _ => []);
        lock (sockets)
        {
            var before = Presence.Aggregate(sockets.Values);
            change(sockets);
            return (before, Presence.Aggregate(sockets.Values));
        }
    }
}

/// <summary>One hash per user (socket id → status) with a TTL that live nodes keep refreshing.</summary>
internal sealed class RedisPresenceStore(IConnectionMultiplexer redis, RedisOptions options) : IPresenceStore
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(90);

    // Atomic read-modify-read so two nodes changing one user never both see the same "before".
    private const string SetScript = """
        local before = redis.call('HVALS', KEYS[1])
        if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        local after = redis.call('HVALS', KEYS[1])
        return {before, after}
        """;

    private RedisKey Key(long userId) => $"{options.KeyPrefix}presence:{userId}";

    public Task<(PresenceStatus, PresenceStatus)> SetAsync(long userId, string socketId, PresenceStatus status) =>
        RunAsync(userId, socketId, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<(PresenceStatus, PresenceStatus)> RemoveAsync(long userId, string socketId) => RunAsync(userId, socketId, "");

    public async Task<IReadOnlyDictionary<long, PresenceStatus>> GetManyAsync(IReadOnlyCollection<long> userIds)
    {
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var reads = userIds.Select(id => (id, task: batch.HashValuesAsync(Key(id)))).ToArray();
        batch.Execute();
        var result = new Dictionary<long, PresenceStatus>(reads.Length);
        foreach (var (id, task) in reads) result[id] = Parse(await task);
        return result;
    }

    public async Task RefreshAsync(IReadOnlyCollection<long> userIds)
    {
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var tasks = userIds.Select(id => batch.KeyExpireAsync(Key(id), Ttl)).ToArray();
        batch.Execute();
        await Task.WhenAll(tasks);
    }

    private async Task<(PresenceStatus, PresenceStatus)> RunAsync(long userId, string socketId, string value)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(SetScript, [Key(userId)],
            [socketId, value, (int)Ttl.TotalSeconds]))!;
        return (Parse((RedisValue[])result[0]!), Parse((RedisValue[])result[1]!));
    }

    private static PresenceStatus Parse(RedisValue[] values) =>
        Presence.Aggregate(values.Select(v => (PresenceStatus)(int)v));
}
