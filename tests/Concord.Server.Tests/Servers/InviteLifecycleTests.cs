using System.Net;
using Concord.Server.Features.Servers;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Servers;

public abstract class InviteLifecycleTests(ServersApp app)
{
    private async Task<HttpResponseMessage> JoinAsync(TestUser user, string code) =>
        await user.PostAsync("/api/servers/join", new { inviteCode = code });

    [Fact]
    public async Task InviteCodesAreAtLeastEightBase62Characters()
    {
        var world = await World.CreateAsync(app);
        var extra = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/invites", new { })).JsonAsync();
        foreach (var code in new[] { world.InviteCode, extra.GetProperty("code").GetString()! })
            Assert.Matches("^[A-Za-z0-9]{8,}$", code);
        Assert.NotEqual(world.InviteCode, extra.GetProperty("code").GetString());
    }

    [Fact]
    public async Task RegeneratingTheCodeKillsTheOldOneAtOnce()
    {
        var world = await World.CreateAsync(app);
        var response = await world.Owner.PostAsync($"/api/servers/{world.ServerId}/invite");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var fresh = (await response.JsonAsync()).GetProperty("inviteCode").GetString()!;
        Assert.NotEqual(world.InviteCode, fresh);

        await (await JoinAsync(await app.NewUser().RegisterAsync(), world.InviteCode)).AssertProblemAsync(HttpStatusCode.NotFound);
        var stranger = await app.NewUser().RegisterAsync();
        await (await stranger.GetAsync($"/api/invites/{world.InviteCode}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await JoinAsync(await app.NewUser().RegisterAsync(), fresh)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task MaxUsesHoldsUnderTwentyConcurrentJoins()
    {
        var world = await World.CreateAsync(app);
        var invite = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/invites", new { maxUses = 5 })).JsonAsync();
        var code = invite.GetProperty("code").GetString()!;
        var joiners = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.NewUser().RegisterAsync()));
        var membersBefore = await app.DbAsync(db => db.Members.CountAsync(m => m.ServerId == long.Parse(world.ServerId)));

        var responses = await Task.WhenAll(joiners.Select(u => JoinAsync(u, code)));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.NotFound));
        Assert.Equal(5, await app.DbAsync(db => db.Invites.Where(i => i.Code == code).Select(i => i.Uses).FirstAsync()));
        Assert.Equal(membersBefore + 5, await app.DbAsync(db => db.Members.CountAsync(m => m.ServerId == long.Parse(world.ServerId))));
    }

    [Fact]
    public async Task ExpiredInvitesAreRefused()
    {
        var world = await World.CreateAsync(app);
        var invite = await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/invites", new { maxAgeSeconds = 60 })).JsonAsync();
        var code = invite.GetProperty("code").GetString()!;
        var early = await app.NewUser().RegisterAsync();
        await (await early.GetAsync($"/api/invites/{code}")).AssertStatusAsync(HttpStatusCode.OK);
        await (await JoinAsync(early, code)).AssertStatusAsync(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromSeconds(61));

        var late = await app.NewUser().RegisterAsync();
        await (await late.GetAsync($"/api/invites/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await JoinAsync(late, code)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnknownCodesGetTheSame404AsUsedUpOnes()
    {
        var user = await app.NewUser().RegisterAsync();
        await (await JoinAsync(user, "Zz9Zz9Zz9Zz9")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.GetAsync("/api/invites/Zz9Zz9Zz9Zz9")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task JoiningTwiceIsHarmlessAndSpendsOneUse()
    {
        var world = await World.CreateAsync(app);
        var code = (await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/invites", new { maxUses = 2 })).JsonAsync()).GetProperty("code").GetString()!;
        var user = await app.NewUser().RegisterAsync();

        var first = await (await JoinAsync(user, code)).JsonAsync();
        var second = await JoinAsync(user, code);
        await second.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("id").GetString(), (await second.JsonAsync()).GetProperty("id").GetString());

        var serverId = long.Parse(world.ServerId);
        var userId = long.Parse(user.Id);
        Assert.Equal(1, await app.DbAsync(db => db.Members.CountAsync(m => m.ServerId == serverId && m.UserId == userId)));
        Assert.Equal(1, await app.DbAsync(db => db.Invites.Where(i => i.Code == code).Select(i => i.Uses).FirstAsync()));
    }

    [Fact]
    public async Task PreviewShowsNameIconAndMemberCountWithoutJoining()
    {
        var world = await World.CreateAsync(app, "Preview Me");
        var stranger = await app.NewUser().RegisterAsync();
        var preview = await (await stranger.GetAsync($"/api/invites/{world.InviteCode}")).JsonAsync();
        Assert.Equal("Preview Me", preview.GetProperty("name").GetString());
        Assert.Equal(4, preview.GetProperty("memberCount").GetInt32()); // owner, admin, member, victim; banned is gone
        await (await stranger.GetAsync($"/api/servers/{world.ServerId}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BannedUsersCannotRejoinUntilUnbanned()
    {
        var world = await World.CreateAsync(app);
        await (await JoinAsync(world.Cast.Banned, world.InviteCode)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await world.Owner.DeleteAsync($"/api/servers/{world.ServerId}/bans/{world.Cast.Banned.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await JoinAsync(world.Cast.Banned, world.InviteCode)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AdminsListWorkingInvitesNewestFirstAndARevokedOneStopsAtOnce()
    {
        var world = await World.CreateAsync(app);
        var admin = world.Cast.Admin;
        var created = await admin.PostAsync($"/api/servers/{world.ServerId}/invites", new { maxAgeSeconds = 3600 });
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var code = (await created.JsonAsync()).GetProperty("code").GetString()!;
        var single = (await (await admin.PostAsync($"/api/servers/{world.ServerId}/invites", new { maxUses = 1 })).JsonAsync()).GetProperty("code").GetString()!;
        await (await JoinAsync(await app.NewUser().RegisterAsync(), single)).AssertStatusAsync(HttpStatusCode.OK);

        var listed = (await (await admin.GetAsync($"/api/servers/{world.ServerId}/invites")).JsonAsync()).EnumerateArray().ToList();
        // The used-up one is gone from the list; the main code is not an extra invite.
        Assert.Equal(new[] { code, world.ExtraInvite }.Order(), listed.Select(i => i.GetProperty("code").GetString()).Order());
        var times = listed.Select(i => i.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.Equal(admin.Id, listed.Single(i => i.GetProperty("code").GetString() == code).GetProperty("creatorId").GetString());

        await (await admin.DeleteAsync($"/api/invites/{code}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await JoinAsync(await app.NewUser().RegisterAsync(), code)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"/api/invites/{code}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var after = (await (await admin.GetAsync($"/api/servers/{world.ServerId}/invites")).JsonAsync()).EnumerateArray();
        Assert.Equal([world.ExtraInvite], after.Select(i => i.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task AServerHoldsAtMostAThousandInvitesAndDeadOnesMakeRoom()
    {
        var world = await World.CreateAsync(app);
        var serverId = long.Parse(world.ServerId);
        var now = app.Clock.GetUtcNow();
        // 998 seeded + the world's extra invite = 999; one seeded invite is used up.
        await app.DbAsync(async db =>
        {
            db.Invites.AddRange(Enumerable.Range(0, 998).Select(i => new Invite
            {
                Code = $"seed{i}x{Guid.NewGuid():N}"[..24],
                ServerId = serverId,
                CreatorId = long.Parse(world.Owner.Id),
                MaxUses = i == 0 ? 1 : null,
                Uses = i == 0 ? 1 : 0,
                CreatedAt = now,
            }));
            return await db.SaveChangesAsync();
        });
        var path = $"/api/servers/{world.ServerId}/invites";

        await (await world.Owner.PostAsync(path, new { })).AssertStatusAsync(HttpStatusCode.Created); // the 1,000th
        // Full: the used-up one is pruned to make room for one more, then no more.
        await (await world.Owner.PostAsync(path, new { })).AssertStatusAsync(HttpStatusCode.Created);
        var refused = await world.Owner.PostAsync(path, new { });
        await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(InviteEndpoints.MaxInvitesPerServer, await app.DbAsync(db => db.Invites.CountAsync(i => i.ServerId == serverId)));
    }
}

public sealed class InviteLifecycleTestsOnPostgres(ServersPostgresApp app) : InviteLifecycleTests(app), IClassFixture<ServersPostgresApp>;
public sealed class InviteLifecycleTestsOnSqlite(ServersSqliteApp app) : InviteLifecycleTests(app), IClassFixture<ServersSqliteApp>;
