using System.Net;
using System.Text;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Auth;

/// <summary>Bad bodies get a clear 4xx problem+json naming the field; never a 500, never a half-written user.</summary>
public abstract class BadInputTests(ConcordApp app)
{
    public static TheoryData<string, string, HttpStatusCode, string?> Cases => new()
    {
        // body, content type, expected status, field the errors must name (null: none)
        { "{\"email\":", "application/json", HttpStatusCode.BadRequest, null },
        { "not json at all", "application/json", HttpStatusCode.BadRequest, null },
        { "", "application/json", HttpStatusCode.BadRequest, null },
        { "null", "application/json", HttpStatusCode.BadRequest, null },
        { "[]", "application/json", HttpStatusCode.BadRequest, null },
        { "{}", "application/json", HttpStatusCode.BadRequest, "email" },
        { "{\"email\":123,\"username\":\"bob\",\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "email" },
        { "{\"email\":\"a@b.c\",\"username\":[\"x\"],\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "username" },
        { "{\"email\":\"a@b.c\",\"username\":\"bob\",\"password\":{}}", "application/json", HttpStatusCode.BadRequest, "password" },
        { "{\"email\":\"not-an-email\",\"username\":\"bob\",\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "email" },
        { "{\"email\":\"a@b.c\",\"username\":\"b\",\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "username" },
        { "{\"email\":\"a@b.c\",\"username\":\"" + new string('x', 33) + "\",\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "username" },
        { "{\"email\":\"a@b.c\",\"username\":\"bad name!\",\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "username" },
        { "{\"email\":\"a@b.c\",\"username\":\"bob\",\"password\":\"short\"}", "application/json", HttpStatusCode.BadRequest, "password" },
        { "{\"email\":\"a@b.c\",\"username\":\"bob\",\"password\":\"" + new string('p', 129) + "\"}", "application/json", HttpStatusCode.BadRequest, "password" },
        { "{\"email\":\"" + new string('e', 300) + "@b.c\",\"username\":\"bob\",\"password\":\"password-1\"}", "application/json", HttpStatusCode.BadRequest, "email" },
        { "{\"email\":\"a@b.c\",\"username\":\"bob\",\"password\":\"password-1\",\"displayName\":\"" + new string('d', 65) + "\"}", "application/json", HttpStatusCode.BadRequest, "displayName" },
        { "email=a@b.c", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, null },
        { "{\"email\":\"a@b.c\",\"pad\":\"" + new string('x', 1_100_000) + "\"}", "application/json", HttpStatusCode.RequestEntityTooLarge, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RegisterRejectsBadInputWithAProblem(string body, string contentType, HttpStatusCode status, string? field)
    {
        var response = await app.CreateClient().PostAsync("/api/auth/register", new StringContent(body, Encoding.UTF8, contentType));
        var problem = await response.AssertProblemAsync(status);
        if (field is not null)
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task ProfileRejectsOverlongAndWrongTypedFields()
    {
        var user = await app.NewUser().RegisterAsync();
        foreach (var (body, field) in new[]
        {
            ("{\"bio\":\"" + new string('b', 191) + "\"}", "bio"),
            ("{\"displayName\":42}", "displayName"),
            ("{\"newPassword\":\"new-password-1\"}", "currentPassword"),
            ("{\"avatarUrl\":\"ftp://x/y.png\"}", "avatarUrl"),
        })
        {
            var response = await user.Http.PatchAsync("/api/auth/profile", new StringContent(body, Encoding.UTF8, "application/json"));
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        }
    }
}

public sealed class BadInputTestsOnPostgres(PostgresApp app) : BadInputTests(app), IClassFixture<PostgresApp>;
public sealed class BadInputTestsOnSqlite(SqliteApp app) : BadInputTests(app), IClassFixture<SqliteApp>;
