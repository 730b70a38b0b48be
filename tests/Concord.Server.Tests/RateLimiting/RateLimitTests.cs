using System.Net;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.RateLimiting;

/// <summary>
/// Limits switched on with small numbers and long windows, so a test never races a window's end.
/// On PostgreSQL the counters live in Redis; on SQLite in-process.
/// </summary>
public class LimitedApp(Backend backend) : ConcordApp(backend, new Dictionary<string, string?>
{
    ["RateLimiting:Enabled"] = "true",
    ["RateLimiting:MessagesPerChannel:PermitLimit"] = "3",
    ["RateLimiting:MessagesPerChannel:Window"] = "00:05:00",
    ["RateLimiting:Messages:PermitLimit"] = "5",
    ["RateLimiting:Messages:Window"] = "00:05:00",
    ["RateLimiting:Auth:PermitLimit"] = "1000",
    ["RateLimiting:Api:PermitLimit"] = "1000",
});

public sealed class LimitedPostgresApp() : LimitedApp(Backend.Postgres);
public sealed class LimitedSqliteApp() : LimitedApp(Backend.Sqlite);

public abstract class MessageRateLimitTests(ConcordApp app)
{
    [Fact]
    public async Task SendsCarryTheHeadersAndTheFourthInAChannelIs429WithNothingWritten()
    {
        var chat = await app.CreateChatAsync();
        for (var i = 0; i < 3; i++)
        {
            var ok = await chat.Member.PostAsync(chat.Messages, new { content = $"m{i}" });
            await ok.AssertStatusAsync(HttpStatusCode.Created);
            Assert.Equal("3", Header(ok, "X-RateLimit-Limit"));
            Assert.Equal((2 - i).ToString(), Header(ok, "X-RateLimit-Remaining"));
            Assert.True(long.Parse(Header(ok, "X-RateLimit-Reset")) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }

        var refused = await chat.Member.PostAsync(chat.Messages, new { content = "one too many" });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.InRange(int.Parse(Header(refused, "Retry-After")), 1, 300);
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
        Assert.Equal(3, await app.WithDbAsync(db => db.Messages.CountAsync(m => m.ChannelId == chat.ChannelId)));

        // Someone else in the same channel has their own count.
        await (await chat.Admin.PostAsync(chat.Messages, new { content = "me too" })).AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheOverallLimitSpansChannelsAndConversations()
    {
        var chat = await app.CreateChatAsync();
        var other = await app.CreateChatAsync();
        await app.WithDbAsync(async db =>
        {
            db.Members.Add(new Features.Members.Member { ServerId = other.ServerId, UserId = chat.Member.UserId(), JoinedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        for (var i = 0; i < 3; i++) await (await chat.Member.PostAsync(chat.Messages, new { content = "a" })).AssertStatusAsync(HttpStatusCode.Created);
        for (var i = 0; i < 2; i++) await (await chat.Member.PostAsync(other.Messages, new { content = "b" })).AssertStatusAsync(HttpStatusCode.Created);

        var dm = await (await chat.Member.PostAsync("/api/conversations", new { userId = chat.Admin.Id })).JsonAsync();
        var refused = await chat.Member.PostAsync($"/api/conversations/{dm.Id()}/messages", new { content = "c" });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(Header(refused, "Retry-After"));
        var dmId = dm.Id();
        Assert.Equal(0, await app.WithDbAsync(db => db.DirectMessages.CountAsync(m => m.ConversationId == dmId)));
    }

    [Fact]
    public async Task ANonceRetryIsAnsweredEvenWhenTheLimitIsSpent()
    {
        var chat = await app.CreateChatAsync();
        var first = await chat.Member.PostAsync(chat.Messages, new { content = "a", nonce = "keep" });
        for (var i = 0; i < 2; i++) await (await chat.Member.PostAsync(chat.Messages, new { content = "b" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await chat.Member.PostAsync(chat.Messages, new { content = "c" })).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        var retry = await chat.Member.PostAsync(chat.Messages, new { content = "a", nonce = "keep" });
        await retry.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal((await first.JsonAsync()).Id(), (await retry.JsonAsync()).Id());
    }

    internal static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"missing header {name}");
}

public sealed class MessageRateLimitTestsOnPostgres(LimitedPostgresApp app) : MessageRateLimitTests(app), IClassFixture<LimitedPostgresApp>;
public sealed class MessageRateLimitTestsOnSqlite(LimitedSqliteApp app) : MessageRateLimitTests(app), IClassFixture<LimitedSqliteApp>;
