using System.Net;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Servers;

/// <summary>The people every world needs; registered once per fixture.</summary>
public sealed record Cast(TestUser Owner, TestUser Admin, TestUser Member, TestUser Banned, TestUser Outsider, TestUser Victim)
{
    public static async Task<Cast> RegisterAsync(ConcordApp app)
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.NewUser().RegisterAsync()));
        return new Cast(users[0], users[1], users[2], users[3], users[4], users[5]);
    }
}

/// <summary>
/// A fresh server: the cast's owner owns it, admin is an admin, member and victim are plain members,
/// banned was a member and is now banned, outsider never joined.
/// </summary>
public sealed record World(Cast Cast, string ServerId, string InviteCode, string ExtraInvite, string TextChannelId, string VoiceChannelId)
{
    public TestUser Owner => Cast.Owner;

    public static async Task<World> CreateAsync(ServersApp app, string name = "World")
    {
        var cast = await app.CastAsync();
        var created = await cast.Owner.PostAsync("/api/servers", new { name });
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var server = await created.JsonAsync();
        var id = server.GetProperty("id").GetString()!;
        var code = server.GetProperty("inviteCode").GetString()!;
        foreach (var user in new[] { cast.Admin, cast.Member, cast.Victim, cast.Banned })
            await (await user.PostAsync("/api/servers/join", new { inviteCode = code })).AssertStatusAsync(HttpStatusCode.OK);
        await (await cast.Owner.PatchAsync($"/api/servers/{id}/members/{cast.Admin.Id}", new { role = "admin" })).AssertStatusAsync(HttpStatusCode.OK);
        await (await cast.Owner.PutAsync($"/api/servers/{id}/bans/{cast.Banned.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
        var extra = await cast.Owner.PostAsync($"/api/servers/{id}/invites", new { maxUses = 100 });
        await extra.AssertStatusAsync(HttpStatusCode.Created);
        var extraCode = (await extra.JsonAsync()).GetProperty("code").GetString()!;

        var detail = await (await cast.Owner.GetAsync($"/api/servers/{id}")).JsonAsync();
        var channels = detail.GetProperty("channels").EnumerateArray().ToList();
        var text = channels.First(c => c.GetProperty("type").GetString() == "text").GetProperty("id").GetString()!;
        var voice = channels.First(c => c.GetProperty("type").GetString() == "voice").GetProperty("id").GetString()!;
        return new World(cast, id, code, extraCode, text, voice);
    }

    /// <summary>Fills {server}, {code}, {invite}, {text}, {voice}, {victim}, {banned}, {admin} in a path or body.</summary>
    public string Fill(string template) => template
        .Replace("{server}", ServerId).Replace("{code}", InviteCode).Replace("{invite}", ExtraInvite)
        .Replace("{text}", TextChannelId).Replace("{voice}", VoiceChannelId)
        .Replace("{victim}", Cast.Victim.Id).Replace("{banned}", Cast.Banned.Id).Replace("{admin}", Cast.Admin.Id);
}
