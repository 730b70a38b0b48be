using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Features.Users;
using ZiggyCreatures.Caching.Fusion;

namespace Concord.Server.Infrastructure.Caching;

/// <summary>What a channel is, as authorization and the send path need it: immutable but for deletion.</summary>
public sealed record ChannelInfo(long Id, long ServerId, ChannelType Type);

/// <summary>
/// The reads every request makes — the caller's role in a server, a channel's server and type, an author's summary —
/// cached in two levels (FusionCache: memory, plus Redis and a Redis backplane when Redis is configured), each
/// invalidated by the write that changes it.
/// Consistency: memberships and user summaries are read from Redis on every use when there is Redis (never from a
/// node's memory), and every write that changes one removes it from Redis before answering, so a kick or a rename on
/// one node is seen by the next request on any node. Channels (server and type never change) are also kept in each
/// node's memory; a deletion reaches the other nodes over the backplane within milliseconds, and a send that races it
/// is refused by the foreign key.
/// </summary>
public sealed class ReadCache(IFusionCache cache, CacheOptions options, CacheTopology topology)
{
    public bool Enabled => options.Enabled;

    // No role is stored as -1 (a non-member asking again costs no query either).
    private const int NotMember = -1;

    public async ValueTask<MemberRole?> RoleAsync(long serverId, long userId, Func<CancellationToken, Task<MemberRole?>> load, CancellationToken ct = default)
    {
        if (!options.Enabled) return await load(ct);
        var role = await cache.GetOrSetAsync(MemberKey(serverId, userId),
            async token => (int?)(await load(token)) ?? NotMember, MembershipEntry, ct);
        return role == NotMember ? null : (MemberRole)role;
    }

    public async ValueTask<ChannelInfo?> ChannelAsync(long channelId, Func<CancellationToken, Task<ChannelInfo?>> load, CancellationToken ct = default) =>
        options.Enabled ? await cache.GetOrSetAsync(ChannelKey(channelId), load, Entry, ct) : await load(ct);

    public async ValueTask<UserSummary?> UserAsync(long userId, Func<CancellationToken, Task<UserSummary?>> load, CancellationToken ct = default) =>
        options.Enabled ? await cache.GetOrSetAsync(UserKey(userId), load, UserEntry, ct) : await load(ct);

    /// <summary>After a join, leave, kick, ban, role change or transfer has committed.</summary>
    public ValueTask MembershipChangedAsync(long serverId, long userId) =>
        options.Enabled ? cache.RemoveAsync(MemberKey(serverId, userId), MembershipEntry) : ValueTask.CompletedTask;

    /// <summary>After a server was deleted: its memberships and channels.</summary>
    public async ValueTask ServerDeletedAsync(long serverId, IEnumerable<long> memberIds, IEnumerable<long> channelIds)
    {
        foreach (var userId in memberIds) await MembershipChangedAsync(serverId, userId);
        foreach (var channelId in channelIds) await ChannelChangedAsync(channelId);
    }

    public ValueTask ChannelChangedAsync(long channelId) =>
        options.Enabled ? cache.RemoveAsync(ChannelKey(channelId), Entry) : ValueTask.CompletedTask;

    /// <summary>After a profile change (name, avatar) or an account's deletion.</summary>
    public ValueTask UserChangedAsync(long userId) =>
        options.Enabled ? cache.RemoveAsync(UserKey(userId), UserEntry) : ValueTask.CompletedTask;

    private FusionCacheEntryOptions MembershipEntry => field ??= new FusionCacheEntryOptions(options.MembershipDuration)
    {
        // With Redis, only Redis: no node can answer from a copy another node's kick has not reached yet.
        SkipMemoryCacheRead = topology.Distributed,
        SkipMemoryCacheWrite = topology.Distributed,
        AllowBackgroundDistributedCacheOperations = false,
    };

    // Like memberships: a rename is on the very next message, whichever node sends it.
    private FusionCacheEntryOptions UserEntry => field ??= new FusionCacheEntryOptions(options.Duration)
    {
        SkipMemoryCacheRead = topology.Distributed,
        SkipMemoryCacheWrite = topology.Distributed,
        AllowBackgroundDistributedCacheOperations = false,
    };

    private FusionCacheEntryOptions Entry => field ??= new FusionCacheEntryOptions(options.Duration)
    {
        AllowBackgroundDistributedCacheOperations = false,
    };

    private static string MemberKey(long serverId, long userId) => $"m:{serverId}:{userId}";
    private static string ChannelKey(long channelId) => $"c:{channelId}";
    private static string UserKey(long userId) => $"u:{userId}";
}

/// <summary>Whether the cache has a shared level (Redis) behind each node's memory.</summary>
public sealed record CacheTopology(bool Distributed);
