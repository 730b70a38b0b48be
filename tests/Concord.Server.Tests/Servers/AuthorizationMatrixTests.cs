using System.Net;
using System.Text;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Servers;

/// <summary>
/// Every route × every kind of caller → the status it must get. Each cell runs in a fresh world (see <see cref="World"/>),
/// so destructive routes (delete, leave, kick) cannot disturb the next cell.
/// Placeholders: {server} {code} (the main invite code) {invite} (an extra invite) {text} {voice} {victim} (a plain member) {banned} (a banned ex-member).
/// </summary>
public abstract class AuthorizationMatrixTests(ServersApp app)
{
    public static TheoryData<string, string, string?, int, int, int, int, int, int> Matrix => new()
    {
        // method  path                                        body                                   anonymous non-member banned member admin owner
        { "POST",   "/api/servers",                             """{"name":"New"}""",                     401, 201, 201, 201, 201, 201 },
        { "GET",    "/api/servers",                             null,                                     401, 200, 200, 200, 200, 200 },
        { "GET",    "/api/servers/{server}",                    null,                                     401, 404, 404, 200, 200, 200 },
        { "PATCH",  "/api/servers/{server}",                    """{"name":"Renamed"}""",                 401, 404, 404, 403, 200, 200 },
        { "DELETE", "/api/servers/{server}",                    null,                                     401, 404, 404, 403, 403, 204 },
        { "POST",   "/api/servers/{server}/leave",              null,                                     401, 404, 404, 204, 204, 409 },
        { "POST",   "/api/servers/join",                        """{"inviteCode":"{code}"}""",            401, 200, 403, 200, 200, 200 },
        { "POST",   "/api/servers/{server}/invite",             null,                                     401, 404, 404, 403, 403, 200 },
        { "POST",   "/api/servers/{server}/invites",            """{"maxUses":5}""",                      401, 404, 404, 403, 201, 201 },
        { "GET",    "/api/invites/{code}",                      null,                                     401, 200, 200, 200, 200, 200 },
        { "GET",    "/api/servers/{server}/invites",            null,                                     401, 404, 404, 403, 200, 200 },
        { "DELETE", "/api/invites/{invite}",                    null,                                     401, 404, 404, 403, 204, 204 },
        { "DELETE", "/api/invites/{code}",                      null,                                     401, 404, 404, 403, 409, 409 },
        { "POST",   "/api/servers/{server}/channels",           """{"name":"new","type":"text"}""",       401, 404, 404, 403, 201, 201 },
        { "PATCH",  "/api/channels/{text}",                     """{"name":"renamed"}""",                 401, 404, 404, 403, 200, 200 },
        { "DELETE", "/api/channels/{voice}",                    null,                                     401, 404, 404, 403, 204, 204 },
        { "GET",    "/api/servers/{server}/members",            null,                                     401, 404, 404, 200, 200, 200 },
        { "PATCH",  "/api/servers/{server}/members/{victim}",   """{"role":"admin"}""",                   401, 404, 404, 403, 403, 200 },
        { "PATCH",  "/api/servers/{server}/members/{admin}",    """{"role":"member"}""",                  401, 404, 404, 403, 403, 200 },
        { "POST",   "/api/servers/{server}/transfer",           """{"userId":"{victim}"}""",              401, 404, 404, 403, 403, 200 },
        { "DELETE", "/api/servers/{server}/members/{victim}",   null,                                     401, 404, 404, 403, 204, 204 },
        { "DELETE", "/api/servers/{server}/members/{admin}",    null,                                     401, 404, 404, 403, 403, 204 },
        { "PUT",    "/api/servers/{server}/bans/{victim}",      null,                                     401, 404, 404, 403, 204, 204 },
        { "PUT",    "/api/servers/{server}/bans/{admin}",       null,                                     401, 404, 404, 403, 403, 204 },
        { "DELETE", "/api/servers/{server}/bans/{banned}",      null,                                     401, 404, 404, 403, 204, 204 },
        { "GET",    "/api/servers/{server}/bans",               null,                                     401, 404, 404, 403, 200, 200 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachCallerGetsTheExpectedStatus(string method, string path, string? body,
        int anonymous, int nonMember, int banned, int member, int admin, int owner)
    {
        var expected = new (string Caller, int Status)[]
        {
            ("anonymous", anonymous), ("non-member", nonMember), ("banned", banned), ("member", member), ("admin", admin), ("owner", owner),
        };
        var wrong = new List<string>();
        foreach (var (caller, status) in expected)
        {
            var world = await World.CreateAsync(app);
            var user = caller switch
            {
                "anonymous" => app.NewUser(),
                "non-member" => world.Cast.Outsider,
                "banned" => world.Cast.Banned,
                "member" => world.Cast.Member,
                "admin" => world.Cast.Admin,
                _ => world.Cast.Owner,
            };
            var request = new HttpRequestMessage(new HttpMethod(method), world.Fill(path));
            if (body is not null) request.Content = new StringContent(world.Fill(body), Encoding.UTF8, "application/json");
            var response = await user.Http.SendAsync(request);
            if ((int)response.StatusCode != status)
                wrong.Add($"{caller}: expected {status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            else if (status >= 400)
                await response.AssertProblemAsync((HttpStatusCode)status);
        }
        Assert.True(wrong.Count == 0, $"{method} {path}\n" + string.Join("\n", wrong));
    }
}

public sealed class AuthorizationMatrixTestsOnPostgres(ServersPostgresApp app) : AuthorizationMatrixTests(app), IClassFixture<ServersPostgresApp>;
public sealed class AuthorizationMatrixTestsOnSqlite(ServersSqliteApp app) : AuthorizationMatrixTests(app), IClassFixture<ServersSqliteApp>;
