using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Auth;

public abstract class AuthTests(ConcordApp app)
{
    [Fact]
    public async Task RegisterReturnsTheUserAndStartsASession()
    {
        var user = app.NewUser();
        var name = TestUser.UniqueName();
        var response = await user.PostAsync("/api/auth/register", new { email = $"{name}@Example.test", username = name, password = "password-123", displayName = "Alice" });

        await response.AssertStatusAsync(HttpStatusCode.Created);
        var body = await response.JsonAsync();
        Assert.Equal(name, body.GetProperty("username").GetString());
        Assert.Equal("Alice", body.GetProperty("displayName").GetString());
        Assert.True(long.TryParse(body.GetProperty("id").GetString(), out _), "ids are JSON strings");
        Assert.False(body.TryGetProperty("passwordHash", out _));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("concord_sid=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        var me = await user.GetAsync("/api/auth/me");
        await me.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(name, (await me.JsonAsync()).GetProperty("username").GetString());
    }

    [Fact]
    public async Task EmailIsUniqueRegardlessOfCase()
    {
        var first = await app.NewUser().RegisterAsync();
        var response = await app.NewUser().PostAsync("/api/auth/register",
            new { email = first.Email.ToUpperInvariant(), username = TestUser.UniqueName(), password = "password-123" });
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task UsernameIsUniqueRegardlessOfCase()
    {
        var first = await app.NewUser().RegisterAsync();
        var response = await app.NewUser().PostAsync("/api/auth/register",
            new { email = $"{TestUser.UniqueName()}@example.test", username = first.Username.ToUpperInvariant(), password = "password-123" });
        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task LoginWithTheRightPasswordStartsASession()
    {
        var registered = await app.NewUser().RegisterAsync();
        var browser = app.NewUser();
        var response = await browser.PostAsync("/api/auth/login", new { email = registered.Email.ToUpperInvariant(), password = registered.Password });
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(registered.Id, (await response.JsonAsync()).GetProperty("id").GetString());
        await (await browser.GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LoginFailuresDoNotRevealWhetherTheEmailExists()
    {
        var registered = await app.NewUser().RegisterAsync();
        var wrongPassword = await (await app.NewUser().PostAsync("/api/auth/login", new { email = registered.Email, password = "not-the-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        var unknownEmail = await (await app.NewUser().PostAsync("/api/auth/login", new { email = "nobody-" + registered.Email, password = "not-the-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(wrongPassword.GetProperty("detail").GetString(), unknownEmail.GetProperty("detail").GetString());
        Assert.Equal(wrongPassword.GetProperty("code").GetString(), unknownEmail.GetProperty("code").GetString());
    }

    [Fact]
    public async Task LoginIssuesANewSessionIdEachTime()
    {
        var user = await app.NewUser().RegisterAsync();
        var firstCookie = SessionCookie(await user.PostAsync("/api/auth/login", new { email = user.Email, password = user.Password }));
        var secondCookie = SessionCookie(await user.PostAsync("/api/auth/login", new { email = user.Email, password = user.Password }));
        Assert.NotEqual(firstCookie, secondCookie);
        // The session the second login replaced is gone.
        await (await Anonymous(firstCookie).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MeWithoutASessionIs401()
    {
        var response = await app.CreateClient().GetAsync("/api/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task LogoutDestroysTheSessionSoAReplayedCookieGets401()
    {
        var user = await app.NewUser().RegisterAsync();
        var cookie = user.SessionCookie;

        await (await user.PostAsync("/api/auth/logout")).AssertStatusAsync(HttpStatusCode.NoContent);

        await (await Anonymous(cookie).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UnsafeRequestWithSessionCookieNeedsTheCsrfToken()
    {
        var user = await app.NewUser().RegisterAsync();
        var token = user.Http.DefaultRequestHeaders.GetValues("X-CSRF-Token").Single();
        user.Http.DefaultRequestHeaders.Remove("X-CSRF-Token");

        var without = await user.PatchAsync("/api/auth/profile", new { bio = "hi" });
        Assert.Equal("csrf_token_invalid", (await without.AssertProblemAsync(HttpStatusCode.Forbidden)).GetProperty("code").GetString());

        user.Http.DefaultRequestHeaders.Add("X-CSRF-Token", "forged");
        await (await user.PatchAsync("/api/auth/profile", new { bio = "hi" })).AssertProblemAsync(HttpStatusCode.Forbidden);

        var csrf = await (await user.GetAsync("/api/auth/csrf")).JsonAsync();
        Assert.Equal(token, csrf.GetProperty("token").GetString());
        user.Http.DefaultRequestHeaders.Remove("X-CSRF-Token");
        user.Http.DefaultRequestHeaders.Add("X-CSRF-Token", token);
        var with = await user.PatchAsync("/api/auth/profile", new { bio = "hi" });
        await with.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("hi", (await with.JsonAsync()).GetProperty("bio").GetString());
    }

    [Fact]
    public async Task UnsafeRequestFromAForeignOriginIsRefused()
    {
        var user = await app.NewUser().RegisterAsync();
        using var foreign = new HttpRequestMessage(HttpMethod.Patch, "/api/auth/profile") { Content = JsonContent.Create(new { bio = "x" }) };
        foreign.Headers.Add("Origin", "https://evil.example");
        var refused = await user.Http.SendAsync(foreign);
        Assert.Equal("origin_not_allowed", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).GetProperty("code").GetString());

        using var listed = new HttpRequestMessage(HttpMethod.Patch, "/api/auth/profile") { Content = JsonContent.Create(new { bio = "x" }) };
        listed.Headers.Add("Origin", "https://app.concord.test");
        await (await user.Http.SendAsync(listed)).AssertStatusAsync(HttpStatusCode.OK);

        using var login = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email = user.Email, password = user.Password }) };
        login.Headers.Add("Origin", "https://evil.example");
        await (await app.CreateClient().SendAsync(login)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CorsAllowsCredentialsOnlyForListedOrigins()
    {
        var client = app.CreateClient();
        using var listed = new HttpRequestMessage(HttpMethod.Options, "/api/auth/me");
        listed.Headers.Add("Origin", "https://app.concord.test");
        listed.Headers.Add("Access-Control-Request-Method", "GET");
        var ok = await client.SendAsync(listed);
        Assert.Equal("https://app.concord.test", ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", ok.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        using var foreign = new HttpRequestMessage(HttpMethod.Options, "/api/auth/me");
        foreign.Headers.Add("Origin", "https://evil.example");
        foreign.Headers.Add("Access-Control-Request-Method", "GET");
        var refused = await client.SendAsync(foreign);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task BearerTokenWorksOnEveryRouteWithoutCsrf()
    {
        var user = await app.NewUser().RegisterAsync();
        var tokenResponse = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password });
        await tokenResponse.AssertStatusAsync(HttpStatusCode.OK);
        var token = await tokenResponse.JsonAsync();
        Assert.Equal("Bearer", token.GetProperty("tokenType").GetString());
        Assert.True(token.GetProperty("expiresIn").GetInt32() > 0);

        var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var me = await bearer.GetAsync("/api/auth/me");
        Assert.Equal(user.Id, (await me.JsonAsync()).GetProperty("id").GetString());
        await (await bearer.PatchAsJsonAsync("/api/auth/profile", new { displayName = "Via token" })).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TokenFromASessionNeedsNoPassword()
    {
        var user = await app.NewUser().RegisterAsync();
        var response = await user.PostAsync("/api/auth/token");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("accessToken").GetString()));
    }

    [Fact]
    public async Task TokenRefusesWrongPasswordsAndForgedTokensAreRejected()
    {
        var user = await app.NewUser().RegisterAsync();
        await (await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await app.CreateClient().PostAsync("/api/auth/token", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var forged = app.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaXNzIjoiY29uY29yZCIsImF1ZCI6ImNvbmNvcmQiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLWlzLWZha2U");
        await (await forged.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ProfileUpdatesFieldsAndRejectsATakenUsername()
    {
        var other = await app.NewUser().RegisterAsync();
        var user = await app.NewUser().RegisterAsync();
        var newName = TestUser.UniqueName("renamed");
        var response = await user.PatchAsync("/api/auth/profile",
            new { username = newName, displayName = "New Name", avatarUrl = "https://cdn.example/a.png", bio = "About me" });
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var body = await response.JsonAsync();
        Assert.Equal(newName, body.GetProperty("username").GetString());
        Assert.Equal("https://cdn.example/a.png", body.GetProperty("avatarUrl").GetString());

        await (await user.PatchAsync("/api/auth/profile", new { username = other.Username })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await user.PatchAsync("/api/auth/profile", new { avatarUrl = "javascript:alert(1)" })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PasswordChangeNeedsTheCurrentPasswordAndRevokesOtherSessions()
    {
        var user = await app.NewUser().RegisterAsync();
        var otherDevice = app.NewUser();
        otherDevice.UseCsrfFrom(await otherDevice.PostAsync("/api/auth/login", new { email = user.Email, password = user.Password }));
        var oldCookie = user.SessionCookie;

        var wrong = await user.PatchAsync("/api/auth/profile", new { newPassword = "new-password-1", currentPassword = "nope-nope" });
        Assert.True((await wrong.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("currentPassword", out _));

        var changed = await user.PatchAsync("/api/auth/profile", new { newPassword = "new-password-1", currentPassword = user.Password });
        await changed.AssertStatusAsync(HttpStatusCode.OK);
        user.UseCsrfFrom(changed);

        await (await otherDevice.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Anonymous(oldCookie).GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await user.GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
        await (await app.NewUser().PostAsync("/api/auth/login", new { email = user.Email, password = "new-password-1" })).AssertStatusAsync(HttpStatusCode.OK);
        await (await app.NewUser().PostAsync("/api/auth/login", new { email = user.Email, password = user.Password })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ResponsesCarrySecurityHeaders()
    {
        var response = await app.CreateClient().GetAsync("/health/live");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task ReadinessChecksTheDatabase()
    {
        var response = await app.CreateClient().GetAsync("/health/ready");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        // The body names each dependency, so an operator sees at once which one is down (docs/operations.md).
        var body = await response.JsonAsync();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("down").GetArrayLength());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetString());
    }

    private HttpClient Anonymous(string cookie)
    {
        var client = app.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    internal static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("concord_sid=", StringComparison.Ordinal)).Split(';')[0];
}

public sealed class AuthTestsOnPostgres(PostgresApp app) : AuthTests(app), IClassFixture<PostgresApp>;
public sealed class AuthTestsOnSqlite(SqliteApp app) : AuthTests(app), IClassFixture<SqliteApp>;
