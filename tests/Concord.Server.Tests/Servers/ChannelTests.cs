using System.Net;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Servers;

public abstract class ChannelTests(ServersApp app)
{
    [Theory]
    [InlineData("text", "Off  Topic Chat", "off-topic-chat")]
    [InlineData("text", "  MEMES ", "memes")]
    [InlineData("voice", "Gaming Lounge", "Gaming Lounge")]
    public async Task TextChannelNamesAreLowerCasedWithDashes(string type, string name, string stored)
    {
        var world = await World.CreateAsync(app);
        var created = await world.Owner.PostAsync($"/api/servers/{world.ServerId}/channels", new { name, type });
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var channel = await created.JsonAsync();
        Assert.Equal(stored, channel.GetProperty("name").GetString());
        Assert.Equal(2, channel.GetProperty("position").GetInt32()); // after general (0) and General (1)

        var renamed = await (await world.Owner.PatchAsync($"/api/channels/{channel.GetProperty("id").GetString()}", new { name })).JsonAsync();
        Assert.Equal(stored, renamed.GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheLastTextChannelCannotBeDeleted()
    {
        var world = await World.CreateAsync(app);
        await (await world.Owner.DeleteAsync($"/api/channels/{world.TextChannelId}")).AssertProblemAsync(HttpStatusCode.Conflict);
        var second = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/channels", new { name = "second", type = "text" })).JsonAsync();
        await (await world.Owner.DeleteAsync($"/api/channels/{world.TextChannelId}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await world.Owner.DeleteAsync($"/api/channels/{second.GetProperty("id").GetString()}")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await world.Owner.DeleteAsync($"/api/channels/{world.VoiceChannelId}")).AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task TwoConcurrentDeletionsLeaveOneTextChannel()
    {
        var world = await World.CreateAsync(app);
        var second = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/channels", new { name = "second", type = "text" })).JsonAsync();
        var responses = await Task.WhenAll(
            world.Owner.DeleteAsync($"/api/channels/{world.TextChannelId}"),
            world.Cast.Admin.DeleteAsync($"/api/channels/{second.GetProperty("id").GetString()}"));
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var detail = await (await world.Owner.GetAsync($"/api/servers/{world.ServerId}")).JsonAsync();
        Assert.Single(detail.GetProperty("channels").EnumerateArray(), c => c.GetProperty("type").GetString() == "text");
    }

    [Fact]
    public async Task ChannelsOfAnotherServerAre404()
    {
        var mine = await World.CreateAsync(app);
        var stranger = await app.NewUser().RegisterAsync();
        await stranger.PostAsync("/api/servers", new { name = "Elsewhere" });
        await (await stranger.PatchAsync($"/api/channels/{mine.TextChannelId}", new { name = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.DeleteAsync($"/api/channels/{mine.VoiceChannelId}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class ChannelTestsOnPostgres(ServersPostgresApp app) : ChannelTests(app), IClassFixture<ServersPostgresApp>;
public sealed class ChannelTestsOnSqlite(ServersSqliteApp app) : ChannelTests(app), IClassFixture<ServersSqliteApp>;
