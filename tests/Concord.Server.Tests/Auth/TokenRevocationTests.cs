using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Concord.Server.Tests.Auth;

/// <summary>
/// Access tokens are minted only from a live session or credentials, and a password change, logout-all or account
/// deletion revokes every one of them at once.
/// </summary>
public abstract class TokenRevocationTests(ConcordApp app)
{
    private async Task<string> TokenAsync(TestUser user)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password });
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.JsonAsync()).GetProperty("accessToken").GetString()!;
    }

    private HttpClient Bearer(string token)
    {
        var client = app.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private HttpClient WithCookie(string cookie)
    {
        var client = app.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    [Fact]
    public async Task AnAccessTokenCannotMintAnotherToken()
    {
        var user = await app.NewUser().RegisterAsync();
        var bearer = Bearer(await TokenAsync(user));
        await (await bearer.PostAsync("/api/auth/token", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await bearer.PostAsJsonAsync("/api/auth/token", new { })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // Credentials still work, with or without a token alongside; so does a live session.
        await (await bearer.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password })).AssertStatusAsync(HttpStatusCode.OK);
        await (await user.PostAsync("/api/auth/token")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LogoutAllRevokesEveryTokenAndSessionOfTheUserOnly()
    {
        var user = await app.NewUser().RegisterAsync();
        var other = await app.NewUser().RegisterAsync();
        var secondDevice = app.NewUser();
        secondDevice.UseCsrfFrom(await secondDevice.PostAsync("/api/auth/login", new { email = user.Email, password = user.Password }));
        var tokens = new[] { await TokenAsync(user), await TokenAsync(user) };
        var otherToken = await TokenAsync(other);
        foreach (var token in tokens) await (await Bearer(token).GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);

        await (await Bearer(tokens[0]).PostAsync("/api/auth/logout-all", null)).AssertStatusAsync(HttpStatusCode.NoContent);

        foreach (var token in tokens) await (await Bearer(token).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await user.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await secondDevice.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Bearer(otherToken).GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
        await (await other.GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
        // Signing in again works, and its new token is valid.
        await (await Bearer(await TokenAsync(user)).GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AWarmTokenCheckAsksTheDatabaseNothing()
    {
        var user = await app.NewUser().RegisterAsync();
        var bearer = Bearer(await TokenAsync(user));
        await (await bearer.GetAsync("/api/servers")).AssertStatusAsync(HttpStatusCode.OK);
        var cache = app.Services.GetRequiredService<TokenVersionCache>();
        var loads = cache.DatabaseLoads;
        for (var i = 0; i < 20; i++) await (await bearer.GetAsync("/api/servers")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(loads, cache.DatabaseLoads);
    }

    [Fact]
    public async Task LogoutAllFromASessionNeedsTheCsrfTokenAndEndsTheCallersCookie()
    {
        var user = await app.NewUser().RegisterAsync();
        var cookie = user.SessionCookie;
        await (await WithCookie(cookie).PostAsync("/api/auth/logout-all", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await user.PostAsync("/api/auth/logout-all")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await WithCookie(cookie).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task APasswordChangeRevokesTokensIssuedBeforeIt()
    {
        var user = await app.NewUser().RegisterAsync();
        var before = await TokenAsync(user);
        var changed = await Bearer(before).PatchAsJsonAsync("/api/auth/profile", new { newPassword = "new-password-1", currentPassword = user.Password });
        await changed.AssertStatusAsync(HttpStatusCode.OK);

        await (await Bearer(before).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Bearer(before).PostAsync("/api/auth/token", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var after = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = "new-password-1" });
        await after.AssertStatusAsync(HttpStatusCode.OK);
        await (await Bearer((await after.JsonAsync()).GetProperty("accessToken").GetString()!).GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DeletingTheAccountNeedsThePasswordAndNoOwnedServerThenEndsEverything()
    {
        var user = await app.NewUser().RegisterAsync();
        var friend = await app.NewUser().RegisterAsync();
        var token = await TokenAsync(user);
        var owned = (await (await user.PostAsync("/api/servers", new { name = "Mine" })).JsonAsync()).GetProperty("id").GetString();
        var theirs = await (await friend.PostAsync("/api/servers", new { name = "Theirs" })).JsonAsync();
        await (await user.PostAsync("/api/servers/join", new { inviteCode = theirs.GetProperty("inviteCode").GetString() })).AssertStatusAsync(HttpStatusCode.OK);
        var dm = await (await friend.PostAsync("/api/conversations", new { userId = user.Id })).JsonAsync();
        var dmId = dm.GetProperty("id").GetString();
        await (await user.PostAsync($"/api/conversations/{dmId}/messages", new { content = "bye" })).AssertStatusAsync(HttpStatusCode.Created);

        var wrong = await DeleteAccountAsync(user, "not-my-password");
        Assert.True((await wrong.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("password", out _));
        await (await DeleteAccountAsync(user, user.Password)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await Bearer(token).GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);

        await (await user.DeleteAsync($"/api/servers/{owned}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await DeleteAccountAsync(user, user.Password)).AssertStatusAsync(HttpStatusCode.NoContent);

        await (await Bearer(token).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await user.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        var members = await (await friend.GetAsync($"/api/servers/{theirs.GetProperty("id").GetString()}/members")).JsonAsync();
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("user").GetProperty("id").GetString() == user.Id);
        var messages = await (await friend.GetAsync($"/api/conversations/{dmId}/messages")).JsonAsync();
        Assert.Empty(messages.EnumerateArray());
        // The email is free again.
        await (await app.NewUser().PostAsync("/api/auth/register", new { email = user.Email, username = TestUser.UniqueName(), password = "password-123" }))
            .AssertStatusAsync(HttpStatusCode.Created);
    }

    private static Task<HttpResponseMessage> DeleteAccountAsync(TestUser user, string password) =>
        user.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/auth/account") { Content = JsonContent.Create(new { password }) });

    public static TheoryData<string> BadSubjects => new() { "abc", "99999999999999999999999", "-5", "0", "" };

    [Theory]
    [MemberData(nameof(BadSubjects))]
    public async Task AWellSignedTokenWhoseSubjectIsNotAUserIdIs401(string subject)
    {
        var token = SignedToken(subject);
        await (await Bearer(token).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Bearer(token).GetAsync("/api/servers")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Signed with the key the test host configures: only the subject is wrong.</summary>
    internal static string SignedToken(string subject, int version = 0) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "concord",
        Audience = "concord",
        Subject = new ClaimsIdentity([new Claim("sub", subject)]),
        Claims = new Dictionary<string, object> { ["ver"] = version },
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("test-signing-key-test-signing-key-0123456789")),
            SecurityAlgorithms.HmacSha256),
    });
}

public sealed class TokenRevocationTestsOnPostgres(PostgresApp app) : TokenRevocationTests(app), IClassFixture<PostgresApp>;
public sealed class TokenRevocationTestsOnSqlite(SqliteApp app) : TokenRevocationTests(app), IClassFixture<SqliteApp>;
