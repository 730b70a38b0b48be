using System.Net;
using Concord.Server.Features.Messages;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Servers;

public abstract class ServerLifecycleTests(ServersApp app)
{
    [Fact]
    public async Task CreatingAServerMakesTheCreatorOwnerWithGeneralChannels()
    {
        var owner = await app.NewUser().RegisterAsync();
        var created = await owner.PostAsync("/api/servers", new { name = "  Guild  ", iconUrl = "https://cdn.example.test/i.png" });
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var server = await created.JsonAsync();
        Assert.Equal("Guild", server.GetProperty("name").GetString());
        Assert.Equal(owner.Id, server.GetProperty("ownerId").GetString());

        var detail = await (await owner.GetAsync($"/api/servers/{server.GetProperty("id").GetString()}")).JsonAsync();
        var channels = detail.GetProperty("channels").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString(), c.GetProperty("position").GetInt32())).ToList();
        Assert.Equal([("general", "text", 0), ("General", "voice", 1)], channels);
        var member = Assert.Single(detail.GetProperty("members").EnumerateArray());
        Assert.Equal(owner.Id, member.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(owner.Username, member.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal("owner", member.GetProperty("role").GetString());
        Assert.True(member.TryGetProperty("joinedAt", out _));
        Assert.False(member.GetProperty("user").TryGetProperty("email", out _), "member summaries never show emails");
        Assert.Equal(1, detail.GetProperty("memberCount").GetInt32());

        var mine = await (await owner.GetAsync("/api/servers")).JsonAsync();
        Assert.Contains(mine.EnumerateArray(), s => s.GetProperty("id").GetString() == server.GetProperty("id").GetString());
    }

    [Fact]
    public async Task ChannelsComeBackOrderedByPosition()
    {
        var world = await World.CreateAsync(app);
        await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/channels", new { name = "Top", type = "text", position = 0 }))
            .AssertStatusAsync(HttpStatusCode.Created);
        await (await world.Owner.PatchAsync($"/api/channels/{world.TextChannelId}", new { position = 7 })).AssertStatusAsync(HttpStatusCode.OK);
        var detail = await (await world.Cast.Member.GetAsync($"/api/servers/{world.ServerId}")).JsonAsync();
        var positions = detail.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("position").GetInt32()).ToList();
        Assert.Equal(positions.Order(), positions);
        Assert.Equal("general", detail.GetProperty("channels").EnumerateArray().Last().GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheOwnerCannotLeave()
    {
        var world = await World.CreateAsync(app);
        var problem = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/leave")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("transfer ownership or delete the server", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task LeavingRemovesTheServerFromMyList()
    {
        var world = await World.CreateAsync(app);
        await (await world.Cast.Member.PostAsync($"/api/servers/{world.ServerId}/leave")).AssertStatusAsync(HttpStatusCode.NoContent);
        var mine = await (await world.Cast.Member.GetAsync("/api/servers")).JsonAsync();
        Assert.DoesNotContain(mine.EnumerateArray(), s => s.GetProperty("id").GetString() == world.ServerId);
        await (await world.Cast.Member.GetAsync($"/api/servers/{world.ServerId}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeletingAServerLeavesNoOrphanRows()
    {
        var world = await World.CreateAsync(app);
        var serverId = long.Parse(world.ServerId);
        await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/invites", new { maxUses = 3 })).AssertStatusAsync(HttpStatusCode.Created);
        var channelIds = await app.DbAsync(db => db.Channels.Where(c => c.ServerId == serverId).Select(c => c.Id).ToListAsync());
        await AddMessagesAsync(channelIds[0], long.Parse(world.Owner.Id), 3);
        // A second server of the same owner must survive untouched.
        var other = await World.CreateAsync(app);
        var otherId = long.Parse(other.ServerId);
        var otherRowsBefore = await CountRowsAsync(otherId);

        var before = await CountRowsAsync(serverId);
        // Invites: the world's own extra invite and the one above.
        Assert.True(before is { Channels: 2, Messages: 3, Invites: 2, Bans: 1, Members: 4 }, $"setup: {before}");

        await (await world.Owner.DeleteAsync($"/api/servers/{world.ServerId}")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(new RowCounts(0, 0, 0, 0, 0, 0), await CountRowsAsync(serverId, channelIds));
        Assert.Equal(otherRowsBefore, await CountRowsAsync(otherId));
        await (await world.Owner.GetAsync($"/api/servers/{world.ServerId}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private sealed record RowCounts(int Servers, int Channels, int Messages, int Invites, int Bans, int Members);

    private Task<RowCounts> CountRowsAsync(long serverId, IReadOnlyList<long>? channelIds = null) => app.DbAsync(async db =>
    {
        var channels = channelIds ?? await db.Channels.Where(c => c.ServerId == serverId).Select(c => c.Id).ToListAsync();
        return new RowCounts(
            await db.Servers.CountAsync(s => s.Id == serverId),
            await db.Channels.CountAsync(c => c.ServerId == serverId || channels.Contains(c.Id)),
            await db.Messages.CountAsync(m => channels.Contains(m.ChannelId)),
            await db.Invites.CountAsync(i => i.ServerId == serverId),
            await db.Bans.CountAsync(b => b.ServerId == serverId),
            await db.Members.CountAsync(m => m.ServerId == serverId));
    });

    /// <summary>Messages written straight into the database: this test is about what deletion removes, not about sending.</summary>
    private async Task AddMessagesAsync(long channelId, long authorId, int count)
    {
        await app.DbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
                db.Messages.Add(new Message
                {
                    Id = app.Services.GetRequiredService<Concord.Server.Infrastructure.Ids.SnowflakeGenerator>().Next(),
                    ChannelId = channelId, AuthorId = authorId, Content = $"message {i}", CreatedAt = DateTimeOffset.UtcNow,
                });
            return await db.SaveChangesAsync();
        });
    }
}

public sealed class ServerLifecycleTestsOnPostgres(ServersPostgresApp app) : ServerLifecycleTests(app), IClassFixture<ServersPostgresApp>;
public sealed class ServerLifecycleTestsOnSqlite(ServersSqliteApp app) : ServerLifecycleTests(app), IClassFixture<ServersSqliteApp>;
