using System.Net;
using System.Text;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Servers;

/// <summary>Every body of the servers area, bad in every way we can think of: 400 naming the field, never a 500, nothing written.</summary>
public abstract class ValidationTests(ServersApp app)
{
    private static readonly string Long101 = new('n', 101);

    public static TheoryData<string, string, string, string?> BadBodies => new()
    {
        // method  path                                       body                                                   field named (null: malformed)
        { "POST",  "/api/servers",                            "{}",                                                     "name" },
        { "POST",  "/api/servers",                            """{"name":""}""",                                        "name" },
        { "POST",  "/api/servers",                            """{"name":"   "}""",                                     "name" },
        { "POST",  "/api/servers",                            $$"""{"name":"{{Long101}}"}""",                           "name" },
        { "POST",  "/api/servers",                            """{"name":42}""",                                        "name" },
        { "POST",  "/api/servers",                            """{"name":"ok","iconUrl":"ftp://x/y.png"}""",            "iconUrl" },
        { "POST",  "/api/servers",                            $$"""{"name":"ok","iconUrl":"https://x/{{new string('i', 2048)}}"}""", "iconUrl" },
        { "POST",  "/api/servers",                            """{"name":""",                                           null },
        { "PATCH", "/api/servers/{server}",                   """{"name":""}""",                                        "name" },
        { "PATCH", "/api/servers/{server}",                   $$"""{"name":"{{Long101}}"}""",                           "name" },
        { "PATCH", "/api/servers/{server}",                   """{"iconUrl":"not a url"}""",                            "iconUrl" },
        { "PATCH", "/api/servers/{server}",                   """{"name":["x"]}""",                                     "name" },
        { "POST",  "/api/servers/join",                       "{}",                                                     "inviteCode" },
        { "POST",  "/api/servers/join",                       """{"inviteCode":""}""",                                  "inviteCode" },
        { "POST",  "/api/servers/join",                       """{"inviteCode":"bad code!"}""",                         "inviteCode" },
        { "POST",  "/api/servers/join",                       $$"""{"inviteCode":"{{new string('c', 33)}}"}""",         "inviteCode" },
        { "POST",  "/api/servers/join",                       """{"inviteCode":12345678}""",                            "inviteCode" },
        { "POST",  "/api/servers/{server}/invites",           """{"maxAgeSeconds":0}""",                                "maxAgeSeconds" },
        { "POST",  "/api/servers/{server}/invites",           """{"maxAgeSeconds":2592001}""",                          "maxAgeSeconds" },
        { "POST",  "/api/servers/{server}/invites",           """{"maxUses":0}""",                                      "maxUses" },
        { "POST",  "/api/servers/{server}/invites",           """{"maxUses":10001}""",                                  "maxUses" },
        { "POST",  "/api/servers/{server}/invites",           """{"maxUses":"lots"}""",                                 "maxUses" },
        { "POST",  "/api/servers/{server}/channels",          """{"type":"text"}""",                                    "name" },
        { "POST",  "/api/servers/{server}/channels",          """{"name":"","type":"text"}""",                          "name" },
        { "POST",  "/api/servers/{server}/channels",          $$"""{"name":"{{Long101}}","type":"voice"}""",            "name" },
        { "POST",  "/api/servers/{server}/channels",          """{"name":"x"}""",                                       "type" },
        { "POST",  "/api/servers/{server}/channels",          """{"name":"x","type":"stage"}""",                        "type" },
        { "POST",  "/api/servers/{server}/channels",          """{"name":"x","type":0}""",                              "type" },
        { "POST",  "/api/servers/{server}/channels",          """{"name":"x","type":"text","position":-1}""",           "position" },
        { "PATCH", "/api/channels/{text}",                    """{"name":""}""",                                        "name" },
        { "PATCH", "/api/channels/{text}",                    """{"position":10001}""",                                 "position" },
        { "PATCH", "/api/channels/{text}",                    """{"position":"first"}""",                               "position" },
        { "PATCH", "/api/servers/{server}/members/{victim}",  "{}",                                                     "role" },
        { "PATCH", "/api/servers/{server}/members/{victim}",  """{"role":"king"}""",                                    "role" },
        { "PATCH", "/api/servers/{server}/members/{victim}",  """{"role":"owner"}""",                                   "role" },
        { "PATCH", "/api/servers/{server}/members/{victim}",  """{"role":1}""",                                         "role" },
        { "POST",  "/api/servers/{server}/transfer",          "{}",                                                     "userId" },
        { "POST",  "/api/servers/{server}/transfer",          """{"userId":true}""",                                    "userId" },
        { "POST",  "/api/servers/{server}/transfer",          """{"userId":"abc"}""",                                   "userId" },
        { "PUT",   "/api/servers/{server}/bans/{victim}",     $$"""{"reason":"{{new string('r', 513)}}"}""",            "reason" },
        { "PUT",   "/api/servers/{server}/bans/{victim}",     """{"reason":7}""",                                       "reason" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadBodiesGet400NamingTheField(string method, string path, string body, string? field)
    {
        var world = await World.CreateAsync(app);
        var before = await ServerSnapshotAsync(world);
        var request = new HttpRequestMessage(new HttpMethod(method), world.Fill(path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var problem = await (await world.Owner.Http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest);
        if (field is not null)
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(before, await ServerSnapshotAsync(world));
    }

    [Theory]
    [InlineData("/api/servers/{server}/members?limit=0", "limit")]
    [InlineData("/api/servers/{server}/members?limit=1001", "limit")]
    [InlineData("/api/servers/{server}/members?after=-5", "after")]
    [InlineData("/api/servers/{server}/bans?limit=0", "limit")]
    public async Task BadPageArgumentsGet400NamingTheField(string path, string field)
    {
        var world = await World.CreateAsync(app);
        var problem = await (await world.Owner.GetAsync(world.Fill(path))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    /// <summary>Everything a bad body might have half-written, as one comparable string.</summary>
    private async Task<string> ServerSnapshotAsync(World world)
    {
        var detail = await (await world.Owner.GetAsync($"/api/servers/{world.ServerId}")).Content.ReadAsStringAsync();
        var mine = await (await world.Owner.GetAsync("/api/servers")).Content.ReadAsStringAsync();
        var bans = await (await world.Owner.GetAsync($"/api/servers/{world.ServerId}/bans")).Content.ReadAsStringAsync();
        return detail + mine + bans;
    }
}

public sealed class ValidationTestsOnPostgres(ServersPostgresApp app) : ValidationTests(app), IClassFixture<ServersPostgresApp>;
public sealed class ValidationTestsOnSqlite(ServersSqliteApp app) : ValidationTests(app), IClassFixture<ServersSqliteApp>;
