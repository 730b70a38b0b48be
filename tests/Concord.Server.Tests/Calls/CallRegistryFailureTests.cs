using Concord.Server.Features.Calls;
using Concord.Server.Realtime.Contracts;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Concord.Server.Tests.Realtime;
using StackExchange.Redis;

namespace Concord.Server.Tests.Calls;

/// <summary>The call registry fails, as Redis does when it is away: every call event is still answered, and the socket goes on working.</summary>
public sealed class CallRegistryFailureTests
{
    private sealed class UnreachableRegistry : ICallRegistry
    {
#pragma warning disable CS0618 // the newer constructors add CommandFlags, irrelevant here
        private static RedisConnectionException Unreachable() => new(ConnectionFailureType.UnableToConnect, "No connection is active (call registry)");
#pragma warning restore CS0618
        public Task<IReadOnlyList<CallParticipant>?> TryJoinAsync(string call, string socketId, long userId, int capacity, CancellationToken ct) => throw Unreachable();
        public Task LeaveAsync(string call, string socketId) => throw Unreachable();
        public Task<IReadOnlyList<CallParticipant>> ParticipantsAsync(string call, CancellationToken ct) => throw Unreachable();
    }


    [Fact]
    public async Task CallEventsAreAnsweredUnavailableWhenTheRegistryIsUnreachable()
    {
        using var app = new AppWith<ICallRegistry, UnreachableRegistry>();
        var chat = await app.CreateChatAsync();
        await using var client = await GatewayClient.ConnectAsync(app, chat.Member);

        foreach (var eventName in new[] { "join-call", "call-participants" })
        {
            var ack = await client.RequestAsync(eventName, new { channelId = chat.VoiceChannelId });
            Assert.False(ack.GetProperty("ok").GetBoolean());
            Assert.Equal("unavailable", ack.GetProperty("error").GetProperty("code").GetString());
        }
        // Not in a call: answered from this node's own state, without the registry.
        Assert.True((await client.RequestAsync("leave-call", null)).GetProperty("ok").GetBoolean());
        var signal = await client.RequestAsync("offer", new { to = "someone", sdp = new { type = "offer", sdp = "v=0" } });
        Assert.Equal("forbidden", signal.GetProperty("error").GetProperty("code").GetString());
        Assert.True((await client.RequestAsync("join-servers", null)).GetProperty("ok").GetBoolean());
    }
}
