using System.Globalization;
using Concord.Server.Infrastructure.Redis;
using StackExchange.Redis;

namespace Concord.Server.Infrastructure.Auth;

/// <summary>
/// Carries token revocations between nodes over Redis pub/sub (<c>{prefix}token-revocations</c>, message
/// "userId:version"). The node that revokes updates its own cache first, so there the revocation is immediate; the
/// others apply it when the message arrives (milliseconds). A node whose Redis connection dropped may have missed
/// messages, so it forgets its cache when the connection comes back. Without Redis (one node) this does nothing.
/// </summary>
public sealed partial class TokenRevocationChannel(TokenVersionCache cache, RedisOptions redisOptions, IServiceProvider services,
    ILogger<TokenRevocationChannel> logger) : IHostedService
{
    private IConnectionMultiplexer? _redis;
    private RedisChannel Channel => RedisChannel.Literal(redisOptions.KeyPrefix + "token-revocations");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!redisOptions.Enabled) return;
        _redis = services.GetRequiredService<IConnectionMultiplexer>();
        _redis.ConnectionRestored += (_, _) => cache.Clear();
        try
        {
            // The client library renews the subscription by itself after a reconnect.
            await _redis.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
            {
                if (Parse(message) is { } revoked) cache.Observe(revoked.UserId, revoked.Version);
            });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNotSubscribed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies a revocation here at once and tells the other nodes.</summary>
    public async Task PublishAsync(long userId, int version)
    {
        cache.Observe(userId, version);
        if (_redis is null) return;
        try
        {
            await _redis.GetSubscriber().PublishAsync(Channel, $"{userId}:{version}");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The write is committed; other nodes catch up within Auth:TokenVersionCacheTtl.
            LogNotPublished(logger, ex, userId);
        }
    }

    private static (long UserId, int Version)? Parse(RedisValue message)
    {
        var text = message.ToString();
        var colon = text.IndexOf(':');
        return colon > 0
            && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (userId, version)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to token revocations; other nodes' revocations apply here within the cache TTL")]
    private static partial void LogNotSubscribed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the token revocation of user {UserId}; other nodes learn it within the cache TTL")]
    private static partial void LogNotPublished(ILogger logger, Exception ex, long userId);
}
