using System.Net;
using Concord.Server.Features.Members;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Servers;

public abstract class MemberAndRoleTests(ServersApp app)
{
    private Task<List<MemberRole>> OwnerRolesAsync(string serverId) =>
        app.DbAsync(db => db.Members.Where(m => m.ServerId == long.Parse(serverId) && m.Role == MemberRole.Owner).Select(m => m.Role).ToListAsync());

    [Fact]
    public async Task TransferSwapsOwnerAndAdminAndMovesOwnerId()
    {
        var world = await World.CreateAsync(app);
        var response = await world.Owner.PostAsync($"/api/servers/{world.ServerId}/transfer", new { userId = world.Cast.Member.Id });
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(world.Cast.Member.Id, (await response.JsonAsync()).GetProperty("ownerId").GetString());

        var members = await (await world.Owner.GetAsync($"/api/servers/{world.ServerId}/members")).JsonAsync();
        string RoleOf(TestUser u) => members.EnumerateArray().Single(m => m.GetProperty("user").GetProperty("id").GetString() == u.Id).GetProperty("role").GetString()!;
        Assert.Equal("owner", RoleOf(world.Cast.Member));
        Assert.Equal("admin", RoleOf(world.Owner));
        Assert.Single(await OwnerRolesAsync(world.ServerId));

        // The old owner may now leave; the new one may not.
        await (await world.Cast.Member.PostAsync($"/api/servers/{world.ServerId}/leave")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/leave")).AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task RoleChangesNeverCreateOrRemoveAnOwner()
    {
        var world = await World.CreateAsync(app);
        await (await world.Owner.PatchAsync($"/api/servers/{world.ServerId}/members/{world.Owner.Id}", new { role = "member" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        await (await world.Owner.PatchAsync($"/api/servers/{world.ServerId}/members/{world.Cast.Member.Id}", new { role = "owner" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Single(await OwnerRolesAsync(world.ServerId));
    }

    [Fact]
    public async Task TransferringToANonMemberIs404AndToYourselfIs400()
    {
        var world = await World.CreateAsync(app);
        await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/transfer", new { userId = world.Cast.Outsider.Id }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await world.Owner.PostAsync($"/api/servers/{world.ServerId}/transfer", new { userId = world.Owner.Id }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Single(await OwnerRolesAsync(world.ServerId));
    }

    [Fact]
    public async Task AnAdminKicksPlainMembersButNotAdminsOrTheOwner()
    {
        var world = await World.CreateAsync(app);
        await (await world.Owner.PatchAsync($"/api/servers/{world.ServerId}/members/{world.Cast.Member.Id}", new { role = "admin" })).AssertStatusAsync(HttpStatusCode.OK);
        await (await world.Cast.Admin.DeleteAsync($"/api/servers/{world.ServerId}/members/{world.Cast.Member.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await world.Cast.Admin.DeleteAsync($"/api/servers/{world.ServerId}/members/{world.Owner.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await world.Cast.Admin.PutAsync($"/api/servers/{world.ServerId}/bans/{world.Owner.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await world.Cast.Admin.DeleteAsync($"/api/servers/{world.ServerId}/members/{world.Cast.Victim.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await world.Cast.Admin.DeleteAsync($"/api/servers/{world.ServerId}/members/{world.Cast.Victim.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BanningAnOutsiderBlocksTheirFirstJoinAndIsIdempotent()
    {
        var world = await World.CreateAsync(app);
        var path = $"/api/servers/{world.ServerId}/bans/{world.Cast.Outsider.Id}";
        await (await world.Cast.Admin.Http.PutAsync(path, null)).AssertStatusAsync(HttpStatusCode.NoContent); // no body at all
        await (await world.Cast.Admin.PutAsync(path, new { reason = "spam" })).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await world.Cast.Outsider.PostAsync("/api/servers/join", new { inviteCode = world.InviteCode })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var bans = await (await world.Owner.GetAsync($"/api/servers/{world.ServerId}/bans")).JsonAsync();
        Assert.Equal(new[] { world.Cast.Banned.Id, world.Cast.Outsider.Id }.Order(), bans.EnumerateArray().Select(b => b.GetProperty("user").GetProperty("id").GetString()!).Order());
        await (await world.Owner.PutAsync($"/api/servers/{world.ServerId}/bans/999999999")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TwentyConcurrentBansOfAMemberAllAnswer204AndLeaveOneBanAndNoMember()
    {
        var world = await World.CreateAsync(app);
        var path = $"/api/servers/{world.ServerId}/bans/{world.Cast.Member.Id}";
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? world.Owner : world.Cast.Admin).PutAsync(path, new { reason = $"dup {i}" })));
        foreach (var response in responses) await response.AssertStatusAsync(HttpStatusCode.NoContent);

        long serverId = long.Parse(world.ServerId), memberId = long.Parse(world.Cast.Member.Id);
        Assert.Equal(1, await app.DbAsync(db => db.Bans.CountAsync(b => b.ServerId == serverId && b.UserId == memberId)));
        Assert.False(await app.DbAsync(db => db.Members.AnyAsync(m => m.ServerId == serverId && m.UserId == memberId)));
        // The member left once: one member-left, not one per request.
        Assert.Single(app.Events.Calls, c => c.Event == "member-left" && c.Payload?.GetProperty("serverId").GetString() == world.ServerId
            && c.Payload?.GetProperty("userId").GetString() == world.Cast.Member.Id);
    }

    [Fact]
    public async Task MembersArePagedByUserIdWithoutGapsOrRepeats()
    {
        var world = await World.CreateAsync(app);
        foreach (var user in await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.NewUser().RegisterAsync())))
            await (await user.PostAsync("/api/servers/join", new { inviteCode = world.InviteCode })).AssertStatusAsync(HttpStatusCode.OK);

        var seen = new List<long>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await (await world.Cast.Member.GetAsync($"/api/servers/{world.ServerId}/members?limit=2" + (after is null ? "" : $"&after={after}"))).JsonAsync();
            var ids = page.EnumerateArray().Select(m => m.GetProperty("user").GetProperty("id").GetString()!).ToList();
            if (ids.Count == 0) break;
            Assert.True(ids.Count <= 2);
            seen.AddRange(ids.Select(long.Parse));
            after = ids[^1];
        }
        Assert.Equal(9, seen.Count); // owner, admin, member, victim + 5 joiners
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
    }
}

public sealed class MemberAndRoleTestsOnPostgres(ServersPostgresApp app) : MemberAndRoleTests(app), IClassFixture<ServersPostgresApp>;
public sealed class MemberAndRoleTestsOnSqlite(ServersSqliteApp app) : MemberAndRoleTests(app), IClassFixture<ServersSqliteApp>;
