using Concord.Server.Realtime;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Realtime;

/// <summary>A handler whose service throws is still answered, and the socket goes on working.</summary>
public sealed class GatewayFailureTests
{
    /// <summary>Presence that breaks when a socket goes idle (connecting, which sets online, still works).</summary>
    private sealed class IdleBreaksPresence : IPresenceStore
    {
        public Task<(PresenceStatus Before, PresenceStatus After)> SetAsync(long userId, string socketId, PresenceStatus status) =>
            status == PresenceStatus.Idle
                ? throw new InvalidOperationException("UTF-16 secret at Concord.Internal")
                : Task.FromResult((PresenceStatus.Offline, PresenceStatus.Online));
        public Task<(PresenceStatus Before, PresenceStatus After)> RemoveAsync(long userId, string socketId) => Task.FromResult((PresenceStatus.Online, PresenceStatus.Offline));
        public Task<IReadOnlyDictionary<long, PresenceStatus>> GetManyAsync(IReadOnlyCollection<long> userIds) =>
            Task.FromResult<IReadOnlyDictionary<long, PresenceStatus>>(new Dictionary<long, PresenceStatus>());
        public Task RefreshAsync(IReadOnlyCollection<long> userIds) => Task.CompletedTask;
    }


    [Fact]
    public async Task AHandlerThatThrowsIsAnsweredInternalErrorWithATraceIdAndNothingOfTheException()
    {
        using var app = new AppWith<IPresenceStore, IdleBreaksPresence>();
        var user = await app.NewUser().RegisterAsync();
        await using var client = await GatewayClient.ConnectAsync(app, user);

        var ack = await client.RequestAsync("set-status", new { status = "idle" });
        Assert.False(ack.GetProperty("ok").GetBoolean());
        var error = ack.GetProperty("error");
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.Matches("^[0-9a-f]{32}$", error.GetProperty("traceId").GetString());
        Assert.DoesNotContain("secret", ack.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ack.ToString(), StringComparison.Ordinal);

        Assert.True((await client.RequestAsync("join-servers", null)).GetProperty("ok").GetBoolean());
    }
}
