namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>
/// The message-send limits, called by the message services themselves so that REST and the real-time
/// <c>send-message</c> event share one count: per user and channel (or conversation), and per user overall.
/// </summary>
public sealed class MessageRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly RateLimiterFactory _factory;
    private readonly System.Threading.RateLimiting.PartitionedRateLimiter<string>? _perChannel;
    private readonly System.Threading.RateLimiting.PartitionedRateLimiter<string>? _perUser;

    public MessageRateLimiter(RateLimitOptions options, RateLimiterFactory factory)
    {
        _options = options;
        _factory = factory;
        if (!options.Enabled) return;
        _perChannel = factory.CreatePartitioned("msg-channel", options.MessagesPerChannel);
        _perUser = factory.CreatePartitioned("msg-user", options.Messages);
    }

    /// <summary>
    /// Takes one permit from both counters; null when limits are off. <paramref name="scope"/> tells channels
    /// from conversations ("c123", "d456"). A refusal by the overall counter still spends the per-channel permit,
    /// which only makes a flooding client wait a little longer.
    /// </summary>
    public async ValueTask<RateLimitDecision?> AcquireAsync(long userId, string scope, CancellationToken ct = default)
    {
        if (_perChannel is null || _perUser is null) return null;
        using var channelLease = await _perChannel.AcquireAsync($"{userId}:{scope}", 1, ct);
        var channel = RateLimitDecision.From(channelLease, _options.MessagesPerChannel, _factory.Time);
        if (!channel.Allowed) return channel;
        using var userLease = await _perUser.AcquireAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, ct);
        var user = RateLimitDecision.From(userLease, _options.Messages, _factory.Time);
        return user.Allowed ? RateLimitDecision.Tighter(channel, user) : user;
    }

    public void Dispose()
    {
        _perChannel?.Dispose();
        _perUser?.Dispose();
    }
}
