using System.Net;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Auth;

public sealed class PasswordHasherTests
{
    // Made by Node's bcryptjs 2.4.3; see Fixtures/make-bcryptjs-hash.mjs.
    private const string BcryptjsHash = "$2a$10$y9LQ2ggoNJlQBJQEzg4zpOecmqZuEEZB5hbznBxhYFPvxCbWEF6Jy";

    private readonly PasswordHasher _hasher = new(new AuthOptions { BcryptWorkFactor = 4 });

    [Fact]
    public void AHashMadeByNodeBcryptjsVerifies()
    {
        Assert.True(_hasher.Verify("correct horse battery", BcryptjsHash));
        Assert.False(_hasher.Verify("wrong horse battery", BcryptjsHash));
    }

    [Fact]
    public void HashesUseTheConfiguredWorkFactorAndVerify()
    {
        var hash = _hasher.Hash("password-123");
        Assert.StartsWith("$2", hash);
        Assert.Equal("04", hash.Split('$')[2]);
        Assert.True(_hasher.Verify("password-123", hash));
        Assert.False(_hasher.Verify("password-124", hash));
    }

    [Fact]
    public void AnUnknownUserNeverVerifiesAndAGarbageHashIsFalseNotAnError()
    {
        Assert.False(_hasher.Verify("anything", null));
        Assert.False(_hasher.Verify("anything", "not-a-bcrypt-hash"));
    }
}

/// <summary>With Redis holding sessions, a restart (or another node) keeps users signed in.</summary>
public sealed class SessionPersistenceTests
{
    [Fact]
    public async Task SessionSurvivesAServerRestartWhenRedisHoldsIt()
    {
        string cookie, database;
        using (var first = new ConcordApp(Backend.Postgres))
        {
            var user = await first.NewUser().RegisterAsync();
            cookie = user.SessionCookie;
            database = first.DatabaseName;
        }

        using var second = new ConcordApp(Backend.Postgres, reuseDatabaseOf: database);
        var client = second.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        await (await client.GetAsync("/api/auth/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task InProcessSessionsAreGoneAfterARestart()
    {
        string cookie, file;
        using (var first = new ConcordApp(Backend.Sqlite) { KeepDatabase = true })
        {
            var user = await first.NewUser().RegisterAsync();
            cookie = user.SessionCookie;
            file = first.DatabaseName;
        }
        using var second = new ConcordApp(Backend.Sqlite, reuseDatabaseOf: file);
        var client = second.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
