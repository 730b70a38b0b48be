using System.Net;
using Concord.Server.Features.Messages;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Messages;

/// <summary>A client nonce makes a send safe to retry: within 10 minutes the same author, channel and nonce give the first message.</summary>
public abstract class NonceTests(ConcordApp app)
{
    [Fact]
    public async Task ARetryWithTheSameNonceReturnsTheFirstMessageWith200()
    {
        var chat = await app.CreateChatAsync();
        var first = await chat.Member.PostAsync(chat.Messages, new { content = "once", nonce = "abc" });
        await first.AssertStatusAsync(HttpStatusCode.Created);
        var retry = await chat.Member.PostAsync(chat.Messages, new { content = "once (retry)", nonce = "abc" });
        await retry.AssertStatusAsync(HttpStatusCode.OK);
        var replayed = await retry.JsonAsync();
        Assert.Equal((await first.JsonAsync()).Id(), replayed.Id());
        Assert.Equal("once", replayed.GetProperty("content").GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Messages.CountAsync(m => m.ChannelId == chat.ChannelId)));
    }

    [Fact]
    public async Task ConcurrentRetriesStoreOneMessage()
    {
        var chat = await app.CreateChatAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            chat.Member.PostAsync(chat.Messages, new { content = "racing", nonce = "same-nonce" })));
        foreach (var r in responses) Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK });
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var ids = new HashSet<long>();
        foreach (var r in responses) ids.Add((await r.JsonAsync()).Id());
        Assert.Single(ids);
        Assert.Equal(1, await app.WithDbAsync(db => db.Messages.CountAsync(m => m.ChannelId == chat.ChannelId)));
    }

    [Fact]
    public async Task TheNonceIsScopedToAuthorAndChannel()
    {
        var chat = await app.CreateChatAsync();
        await (await chat.Member.PostAsync(chat.Messages, new { content = "a", nonce = "n" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await chat.Admin.PostAsync(chat.Messages, new { content = "b", nonce = "n" })).AssertStatusAsync(HttpStatusCode.Created);
        var other = await app.CreateChatAsync();
        await (await other.Member.PostAsync(other.Messages, new { content = "c", nonce = "n" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await chat.Member.PostAsync(chat.Messages, new { content = "d" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await chat.Member.PostAsync(chat.Messages, new { content = "d" })).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(4, await app.WithDbAsync(db => db.Messages.CountAsync(m => m.ChannelId == chat.ChannelId)));
    }

    [Fact]
    public async Task ANonceOlderThanTenMinutesSendsANewMessage()
    {
        var chat = await app.CreateChatAsync();
        var oldId = SnowflakeGenerator.MinIdAt(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(11)) + 1;
        await app.WithDbAsync(async db =>
        {
            db.Messages.Add(new Message { Id = oldId, ChannelId = chat.ChannelId, AuthorId = chat.Member.UserId(), Content = "old", Nonce = "reused", CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-11) });
            await db.SaveChangesAsync();
        });

        var response = await chat.Member.PostAsync(chat.Messages, new { content = "new", nonce = "reused" });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.NotEqual(oldId, (await response.JsonAsync()).Id());
        Assert.Null(await app.WithDbAsync(db => db.Messages.Where(m => m.Id == oldId).Select(m => m.Nonce).SingleAsync()));
    }
}

public sealed class NonceTestsOnPostgres(PostgresApp app) : NonceTests(app), IClassFixture<PostgresApp>;
public sealed class NonceTestsOnSqlite(SqliteApp app) : NonceTests(app), IClassFixture<SqliteApp>;
