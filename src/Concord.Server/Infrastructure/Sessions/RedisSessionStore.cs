using System.Text.Json;
using Concord.Server.Infrastructure.Redis;
using StackExchange.Redis;

namespace Concord.Server.Infrastructure.Sessions;

/// <summary>
/// Sessions as Redis strings with a TTL (GETEX slides it in the same round trip) plus one set per user
/// listing that user's sessions, so a password change can end them all.
/// </summary>
internal sealed class RedisSessionStore(IConnectionMultiplexer redis, RedisOptions redisOptions, SessionStoreOptions options) : ISessionStore
{
    private IDatabase Db => redis.GetDatabase();
    private RedisKey SessionKey(string hash) => $"{redisOptions.KeyPrefix}session:{hash}";
    private RedisKey UserKey(long userId) => $"{redisOptions.KeyPrefix}user-sessions:{userId}";

    public async Task<(string SessionId, SessionRecord Record)> CreateAsync(long userId)
    {
        var id = SessionIds.New();
        var hash = SessionIds.Hash(id);
        var record = new SessionRecord(userId, SessionIds.New(), DateTimeOffset.UtcNow);
        var tx = Db.CreateTransaction();
        _ = tx.StringSetAsync(SessionKey(hash), JsonSerializer.SerializeToUtf8Bytes(record), options.SlidingExpiration);
        _ = tx.SetAddAsync(UserKey(userId), hash);
        _ = tx.KeyExpireAsync(UserKey(userId), options.SlidingExpiration, ExpireWhen.GreaterThanCurrentExpiry);
        _ = tx.KeyExpireAsync(UserKey(userId), options.SlidingExpiration, ExpireWhen.HasNoExpiry);
        await tx.ExecuteAsync();
        return (id, record);
    }

    public async Task<SessionRecord?> GetAsync(string sessionId)
    {
        var value = await Db.StringGetSetExpiryAsync(SessionKey(SessionIds.Hash(sessionId)), options.SlidingExpiration);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<SessionRecord>((byte[])value!);
    }

    public async Task DeleteAsync(string sessionId)
    {
        var hash = SessionIds.Hash(sessionId);
        var value = await Db.StringGetDeleteAsync(SessionKey(hash));
        if (!value.IsNullOrEmpty && JsonSerializer.Deserialize<SessionRecord>((byte[])value!) is { } record)
            await Db.SetRemoveAsync(UserKey(record.UserId), hash);
    }

    public async Task DeleteAllForUserAsync(long userId)
    {
        var hashes = await Db.SetMembersAsync(UserKey(userId));
        var keys = hashes.Select(h => SessionKey(h.ToString())).Append(UserKey(userId)).ToArray();
        await Db.KeyDeleteAsync(keys);
    }
}
