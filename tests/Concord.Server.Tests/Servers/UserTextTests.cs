using System.Net;
using System.Text;
using System.Text.Json;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Servers;

/// <summary>
/// Every text field of every route, on PostgreSQL (which refuses NUL in text): a NUL or another C0 control character is a
/// 400 <c>validation_failed</c> naming the field, and nothing is written. Tab and line breaks stay allowed.
/// </summary>
public sealed class UserTextTests(ServersPostgresApp app) : IClassFixture<ServersPostgresApp>
{
    /// <summary>BAD is replaced by a JSON string (body) or a URL-encoded value (path, query) holding the control character.</summary>
    public static TheoryData<string, string, string, string, string> Fields => new()
    {
        // caller       method    path                                                 field            body
        { "anonymous", "POST",   "/api/auth/register",                                 "email",         """{"email":BAD,"username":"{fresh}","password":"password-123"}""" },
        { "anonymous", "POST",   "/api/auth/register",                                 "username",      """{"email":"{fresh}@example.test","username":BAD,"password":"password-123"}""" },
        { "anonymous", "POST",   "/api/auth/register",                                 "password",      """{"email":"{fresh}@example.test","username":"{fresh}","password":BAD}""" },
        { "anonymous", "POST",   "/api/auth/register",                                 "displayName",   """{"email":"{fresh}@example.test","username":"{fresh}","password":"password-123","displayName":BAD}""" },
        { "anonymous", "POST",   "/api/auth/login",                                    "email",         """{"email":BAD,"password":"password-123"}""" },
        { "anonymous", "POST",   "/api/auth/login",                                    "password",      """{"email":"{email}","password":BAD}""" },
        { "anonymous", "POST",   "/api/auth/token",                                    "email",         """{"email":BAD,"password":"password-123"}""" },
        { "anonymous", "POST",   "/api/auth/token",                                    "password",      """{"email":"{email}","password":BAD}""" },
        { "owner",     "PATCH",  "/api/auth/profile",                                  "username",      """{"username":BAD}""" },
        { "owner",     "PATCH",  "/api/auth/profile",                                  "displayName",   """{"displayName":BAD}""" },
        { "owner",     "PATCH",  "/api/auth/profile",                                  "avatarUrl",     """{"avatarUrl":BAD}""" },
        { "owner",     "PATCH",  "/api/auth/profile",                                  "bio",           """{"bio":BAD}""" },
        { "owner",     "PATCH",  "/api/auth/profile",                                  "newPassword",   """{"newPassword":BAD,"currentPassword":"password-123"}""" },
        { "owner",     "PATCH",  "/api/auth/profile",                                  "currentPassword", """{"newPassword":"password-456","currentPassword":BAD}""" },
        { "owner",     "DELETE", "/api/auth/account",                                  "password",      """{"password":BAD}""" },
        { "owner",     "POST",   "/api/servers",                                       "name",          """{"name":BAD}""" },
        { "owner",     "POST",   "/api/servers",                                       "iconUrl",       """{"name":"ok","iconUrl":BAD}""" },
        { "owner",     "PATCH",  "/api/servers/{server}",                              "name",          """{"name":BAD}""" },
        { "owner",     "PATCH",  "/api/servers/{server}",                              "iconUrl",       """{"iconUrl":BAD}""" },
        { "outsider",  "POST",   "/api/servers/join",                                  "inviteCode",    """{"inviteCode":BAD}""" },
        { "owner",     "POST",   "/api/servers/{server}/channels",                     "name",          """{"name":BAD,"type":"text"}""" },
        { "owner",     "POST",   "/api/servers/{server}/channels",                     "type",          """{"name":"ok","type":BAD}""" },
        { "owner",     "PATCH",  "/api/channels/{text}",                               "name",          """{"name":BAD}""" },
        { "owner",     "PATCH",  "/api/servers/{server}/members/{victim}",             "role",          """{"role":BAD}""" },
        { "owner",     "PUT",    "/api/servers/{server}/bans/{victim}",                "reason",        """{"reason":BAD}""" },
        { "owner",     "POST",   "/api/channels/{text}/messages",                      "content",       """{"content":BAD}""" },
        { "owner",     "POST",   "/api/channels/{text}/messages",                      "nonce",         """{"content":"ok","nonce":BAD}""" },
        { "owner",     "PATCH",  "/api/messages/{message}",                            "content",       """{"content":BAD}""" },
        { "owner",     "POST",   "/api/conversations",                                 "name",          """{"userIds":["{admin}","{victim}"],"name":BAD}""" },
        { "owner",     "POST",   "/api/conversations/{dm}/messages",                   "content",       """{"content":BAD}""" },
        { "owner",     "POST",   "/api/conversations/{dm}/messages",                   "nonce",         """{"content":"ok","nonce":BAD}""" },
        { "owner",     "PATCH",  "/api/conversations/{dm}/messages/{dmMessage}",       "content",       """{"content":BAD}""" },
        // Text in the URL: route values and query strings.
        { "owner",     "GET",    "/api/invites/BAD",                                   "code",          "" },
        { "owner",     "DELETE", "/api/invites/BAD",                                   "code",          "" },
        { "owner",     "GET",    "/api/channels/{text}/messages?before=BAD",           "before",        "" },
        { "owner",     "GET",    "/api/conversations/{dm}/messages?after=BAD",         "after",         "" },
        { "owner",     "GET",    "/api/servers/{server}/members?after=BAD",            "after",         "" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task AControlCharacterInAnyTextFieldIs400NamingItAndWritesNothing(string caller, string method, string path, string field, string body)
    {
        var world = await World.CreateAsync(app);
        var places = await PlacesAsync(world);
        var user = caller switch { "anonymous" => app.NewUser(), "outsider" => world.Cast.Outsider, _ => world.Owner };
        // A NUL in the URL path never reaches the app: Kestrel refuses it (see ANulInAUrlPathIsRefusedBeforeTheApp).
        var controls = path.Split('?')[0].Contains("BAD", StringComparison.Ordinal) ? new[] { '\u001b', '\u0007' } : new[] { '\u0000', '\u001b', '\u0007' };
        foreach (var control in controls)
        {
            var before = await SnapshotAsync(world, places);
            var json = JsonSerializer.Serialize($"x{control}y"); // "x\u0000y": escaped in the JSON text, a control character once read
            var url = Fill(world, places, path).Replace("BAD", Uri.EscapeDataString($"x{control}y"), StringComparison.Ordinal);
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body.Length > 0) request.Content = new StringContent(Fill(world, places, body).Replace("BAD", json, StringComparison.Ordinal), Encoding.UTF8, "application/json");
            var response = await user.Http.SendAsync(request);

            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"U+{(int)control:X4}: errors should name '{field}': {problem}");
            Assert.Equal(before, await SnapshotAsync(world, places));
        }
    }

    [Fact]
    public async Task ANulInAUrlPathIsRefusedBeforeTheApp()
    {
        using var kestrel = new Realtime.RealtimeApp(Backend.Sqlite);
        using var http = new HttpClient();
        var response = await http.GetAsync($"{kestrel.Url}/api/invites/a%00b");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TabsAndLineBreaksAreKept()
    {
        var world = await World.CreateAsync(app);
        var sent = await world.Owner.PostAsync($"/api/channels/{world.TextChannelId}/messages", new { content = "line 1\r\nline 2\n\tindented" });
        await sent.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal("line 1\r\nline 2\n\tindented", (await sent.JsonAsync()).GetProperty("content").GetString());
        var bio = await world.Owner.PatchAsync("/api/auth/profile", new { bio = "a\tb\nc" });
        await bio.AssertStatusAsync(HttpStatusCode.OK);
    }

    private sealed record Places(string Message, string Dm, string DmMessage, string Email);

    private async Task<Places> PlacesAsync(World world)
    {
        var message = await (await world.Owner.PostAsync($"/api/channels/{world.TextChannelId}/messages", new { content = "hello" })).JsonAsync();
        var dm = await (await world.Owner.PostAsync("/api/conversations", new { userId = world.Cast.Member.Id })).JsonAsync();
        var dmId = dm.GetProperty("id").GetString()!;
        var dmMessage = await (await world.Owner.PostAsync($"/api/conversations/{dmId}/messages", new { content = "hi" })).JsonAsync();
        return new Places(message.GetProperty("id").GetString()!, dmId, dmMessage.GetProperty("id").GetString()!, world.Owner.Email);
    }

    private static string Fill(World world, Places places, string template) => world.Fill(template)
        .Replace("{message}", places.Message).Replace("{dmMessage}", places.DmMessage).Replace("{dm}", places.Dm)
        .Replace("{email}", places.Email).Replace("{fresh}", TestUser.UniqueName());

    /// <summary>Row counts of every table and every text the world's routes could change.</summary>
    private Task<string> SnapshotAsync(World world, Places places) => app.DbAsync(async db =>
    {
        long server = long.Parse(world.ServerId), owner = long.Parse(world.Owner.Id), dm = long.Parse(places.Dm);
        var parts = new List<object>
        {
            await db.Users.CountAsync(), await db.Servers.CountAsync(), await db.Channels.CountAsync(), await db.Messages.CountAsync(),
            await db.DirectMessages.CountAsync(), await db.Conversations.CountAsync(), await db.Bans.CountAsync(), await db.Members.CountAsync(),
            await db.Invites.CountAsync(),
            JsonSerializer.Serialize(await db.Users.Where(u => u.Id == owner).Select(u => new { u.Username, u.DisplayName, u.AvatarUrl, u.Bio, u.PasswordHash }).FirstAsync()),
            JsonSerializer.Serialize(await db.Servers.Where(s => s.Id == server).Select(s => new { s.Name, s.IconUrl }).FirstAsync()),
            JsonSerializer.Serialize(await db.Channels.Where(c => c.ServerId == server).OrderBy(c => c.Id).Select(c => c.Name).ToListAsync()),
            JsonSerializer.Serialize(await db.Messages.Where(m => m.ChannelId == long.Parse(world.TextChannelId)).OrderBy(m => m.Id).Select(m => m.Content).ToListAsync()),
            JsonSerializer.Serialize(await db.DirectMessages.Where(m => m.ConversationId == dm).OrderBy(m => m.Id).Select(m => m.Content).ToListAsync()),
            JsonSerializer.Serialize(await db.Members.Where(m => m.ServerId == server).OrderBy(m => m.UserId).Select(m => m.Role.ToString()).ToListAsync()),
        };
        return string.Join("|", parts);
    });
}
