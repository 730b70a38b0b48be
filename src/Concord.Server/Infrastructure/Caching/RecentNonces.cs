using ZiggyCreatures.Caching.Fusion;

namespace Concord.Server.Infrastructure.Caching;

/// <summary>
/// Nonces sent lately, per user and channel or conversation, so a send looks for an earlier message with its nonce only
/// when there may be one (a client retrying). A hint, not the guard: the unique index on (channel, author, nonce) still
/// decides, so a marker lost with a Redis restart costs a retry its rate-limit permit, never a duplicate message.
/// </summary>
public sealed class RecentNonces(IFusionCache cache, CacheOptions options)
{
    private static readonly FusionCacheEntryOptions Marker = new(TimeSpan.FromMinutes(11)) { AllowBackgroundDistributedCacheOperations = false };

    /// <summary>True when this nonce may have been used before (then look it up); marks it used otherwise.</summary>
    public async ValueTask<bool> SeenAsync(long userId, long placeId, string nonce, CancellationToken ct)
    {
        if (!options.Enabled) return true;
        var key = $"n:{userId}:{placeId}:{nonce}";
        if ((await cache.TryGetAsync<bool>(key, Marker, ct)).HasValue) return true;
        await cache.SetAsync(key, true, Marker, ct);
        return false;
    }
}
