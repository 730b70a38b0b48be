using System.Net;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Servers;

/// <summary>What the REST side tells sockets, checked through a recording <see cref="Concord.Server.Realtime.IRealtimeEvents"/>.</summary>
public abstract class RealtimeEventTests(ServersApp app)
{
    private IEnumerable<RealtimeCall> CallsFor(World world) =>
        app.Events.Calls.Where(c => c.Room == $"server:{world.ServerId}" || c.Rooms?.Contains($"server:{world.ServerId}") == true);

    [Theory]
    [InlineData("kick", "kicked")]
    [InlineData("ban", "banned")]
    [InlineData("leave", "left")]
    public async Task RemovalPublishesMemberLeftThenEvictsTheUserAfterTheRowIsGone(string how, string reason)
    {
        var world = await World.CreateAsync(app);
        var victim = world.Cast.Victim;
        var response = how switch
        {
            "kick" => await world.Cast.Admin.DeleteAsync($"/api/servers/{world.ServerId}/members/{victim.Id}"),
            "ban" => await world.Cast.Admin.PutAsync($"/api/servers/{world.ServerId}/bans/{victim.Id}"),
            _ => await victim.PostAsync($"/api/servers/{world.ServerId}/leave"),
        };
        await response.AssertStatusAsync(HttpStatusCode.NoContent);

        var calls = CallsFor(world).ToList();
        var leftIndex = calls.FindIndex(c => c.Event == "member-left" && c.Payload!.Value.GetProperty("userId").GetString() == victim.Id);
        var evictIndex = calls.FindIndex(c => c.Kind == "leave" && c.UserId == long.Parse(victim.Id));
        Assert.True(leftIndex >= 0, "member-left was published");
        Assert.True(evictIndex > leftIndex, "the user is evicted after member-left goes out");
        var left = calls[leftIndex];
        Assert.Equal(reason, left.Payload!.Value.GetProperty("reason").GetString());
        Assert.Equal(world.ServerId, left.Payload!.Value.GetProperty("serverId").GetString());
        Assert.False(left.MemberRowPresent, "member-left went out only after the membership row was gone");
        var evict = calls[evictIndex];
        Assert.False(evict.MemberRowPresent, "rooms were left only after the membership row was gone");
        Assert.Equal(new[]
        {
            $"server:{world.ServerId}", $"channel:{world.TextChannelId}", $"channel:{world.VoiceChannelId}",
            $"call:channel:{world.TextChannelId}", $"call:channel:{world.VoiceChannelId}",
        }.Order(), evict.Rooms!.Order());
    }

    [Fact]
    public async Task JoiningPublishesMemberJoinedWithTheMember()
    {
        var world = await World.CreateAsync(app);
        var newcomer = await app.NewUser().RegisterAsync();
        await (await newcomer.PostAsync("/api/servers/join", new { inviteCode = world.InviteCode })).AssertStatusAsync(HttpStatusCode.OK);
        await (await newcomer.PostAsync("/api/servers/join", new { inviteCode = world.InviteCode })).AssertStatusAsync(HttpStatusCode.OK);
        var joined = Assert.Single(CallsFor(world), c => c.Event == "member-joined"
            && c.Payload!.Value.GetProperty("member").GetProperty("user").GetProperty("id").GetString() == newcomer.Id);
        Assert.Equal("member", joined.Payload!.Value.GetProperty("member").GetProperty("role").GetString());
    }

    [Fact]
    public async Task ChannelAndServerChangesArePublishedToTheServerRoom()
    {
        var world = await World.CreateAsync(app);
        var channel = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/channels", new { name = "news", type = "text" })).JsonAsync();
        var channelId = channel.GetProperty("id").GetString()!;
        await world.Owner.PatchAsync($"/api/channels/{channelId}", new { position = 9 });
        await world.Owner.DeleteAsync($"/api/channels/{channelId}");
        await world.Owner.PatchAsync($"/api/servers/{world.ServerId}", new { name = "Renamed" });

        var events = CallsFor(world).Where(c => c.Kind == "publish").Select(c => c.Event).ToList();
        Assert.Equal(["channel-created", "channel-updated", "channel-deleted", "server-updated"],
            events.Where(e => e is "channel-created" or "channel-updated" or "channel-deleted" or "server-updated"));
        Assert.Contains(app.Events.Calls, c => c.Kind == "close" && c.Room == $"channel:{channelId}");
        Assert.Contains(app.Events.Calls, c => c.Kind == "close" && c.Room == $"call:channel:{channelId}");
    }

    [Fact]
    public async Task DeletingAServerPublishesAndClosesItsRooms()
    {
        var world = await World.CreateAsync(app);
        await (await world.Owner.DeleteAsync($"/api/servers/{world.ServerId}")).AssertStatusAsync(HttpStatusCode.NoContent);
        var calls = app.Events.Calls;
        Assert.Contains(calls, c => c.Event == "server-deleted" && c.Room == $"server:{world.ServerId}");
        foreach (var room in new[] { $"server:{world.ServerId}", $"channel:{world.TextChannelId}", $"channel:{world.VoiceChannelId}", $"call:channel:{world.VoiceChannelId}" })
            Assert.Contains(calls, c => c.Kind == "close" && c.Room == room);
    }
}

public sealed class RealtimeEventTestsOnPostgres(ServersPostgresApp app) : RealtimeEventTests(app), IClassFixture<ServersPostgresApp>;
public sealed class RealtimeEventTestsOnSqlite(ServersSqliteApp app) : RealtimeEventTests(app), IClassFixture<ServersSqliteApp>;
