using System.Net;
using System.Text;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Messages;

public abstract class MessageTests(ConcordApp app)
{
    [Fact]
    public async Task MemberSendsAMessageAndGets201WithTheAuthorSummary()
    {
        var chat = await app.CreateChatAsync();
        var response = await chat.Member.PostAsync(chat.Messages, new { content = "  hello there  ", nonce = "n-1" });

        await response.AssertStatusAsync(HttpStatusCode.Created);
        var body = await response.JsonAsync();
        Assert.Equal("hello there", body.GetProperty("content").GetString());
        Assert.Equal(chat.ChannelId.ToString(), body.GetProperty("channelId").GetString());
        Assert.Equal(chat.ServerId.ToString(), body.GetProperty("serverId").GetString());
        Assert.Equal(chat.Member.Id, body.GetProperty("author").GetProperty("id").GetString());
        Assert.Equal(chat.Member.Username, body.GetProperty("author").GetProperty("username").GetString());
        Assert.False(body.GetProperty("author").TryGetProperty("email", out _));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("editedAt").ValueKind);
        Assert.Equal("n-1", body.GetProperty("nonce").GetString());
        Assert.True(body.TryGetProperty("createdAt", out _));
    }

    [Fact]
    public async Task NonMembersGet404AndNothingIsWritten()
    {
        var chat = await app.CreateChatAsync();
        await (await chat.Outsider.PostAsync(chat.Messages, new { content = "hi" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await chat.Outsider.GetAsync(chat.Messages)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await chat.Member.PostAsync("/api/channels/123456789/messages", new { content = "hi" })).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await app.WithDbAsync(db => db.Messages.CountAsync(m => m.ChannelId == chat.ChannelId)));
    }

    [Fact]
    public async Task VoiceChannelsTakeNoMessages()
    {
        var chat = await app.CreateChatAsync();
        await (await chat.Member.PostAsync($"/api/channels/{chat.VoiceChannelId}/messages", new { content = "hi" })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    public static TheoryData<string, string?> BadSends => new()
    {
        // body, field the errors must name (null: a 400 without field)
        { "{\"content\":\"\"}", "content" },
        { "{\"content\":\"   \\n\\t \"}", "content" },
        { "{}", "content" },
        { "{\"content\":\"" + new string('x', 2001) + "\"}", "content" },
        { "{\"content\":123}", "content" },
        { "{\"content\":[\"x\"]}", "content" },
        { "{\"content\":\"ok\",\"nonce\":\"" + new string('n', 65) + "\"}", "nonce" },
        { "{\"content\":\"ok\",\"nonce\":\"\"}", "nonce" },
        { "{\"content\":\"ok\",\"nonce\":42}", "nonce" },
        { "null", null },
        { "not json", null },
    };

    [Theory]
    [MemberData(nameof(BadSends))]
    public async Task BadSendsAre400NamingTheFieldAndWriteNothing(string body, string? field)
    {
        var chat = await app.CreateChatAsync();
        var response = await chat.Member.Http.PostAsync(chat.Messages, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        if (field is not null)
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(0, await app.WithDbAsync(db => db.Messages.CountAsync(m => m.ChannelId == chat.ChannelId)));
    }

    [Fact]
    public async Task TwoThousandCharactersAreAcceptedAndSurroundingWhitespaceDoesNotCount()
    {
        var chat = await app.CreateChatAsync();
        var content = new string('x', 2000);
        var response = await chat.Member.PostAsync(chat.Messages, new { content = "  " + content + "\n" });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(content, (await response.JsonAsync()).GetProperty("content").GetString());
    }

    public static TheoryData<string, string> BadPages => new()
    {
        { "?limit=0", "limit" }, { "?limit=101", "limit" }, { "?limit=abc", "limit" }, { "?limit=-1", "limit" },
        { "?before=abc", "before" }, { "?before=-5", "before" }, { "?before=99999999999999999999", "before" },
        { "?after=1.5", "after" }, { "?after=", "after" },
    };

    [Theory]
    [MemberData(nameof(BadPages))]
    public async Task BadPageParametersAre400NamingTheParameter(string query, string field)
    {
        var chat = await app.CreateChatAsync();
        var problem = await (await chat.Member.GetAsync(chat.Messages + query)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task PagesAreNewestFirstAndHonourLimitBeforeAndAfter()
    {
        var chat = await app.CreateChatAsync();
        var ids = await app.SeedMessagesAsync(chat.ChannelId, chat.Member, 120); // oldest first
        var newestFirst = Enumerable.Reverse(ids).ToList();

        Assert.Equal(newestFirst.Take(50), await chat.Member.PageIdsAsync(chat.Messages));
        Assert.Equal(newestFirst.Take(1), await chat.Member.PageIdsAsync(chat.Messages + "?limit=1"));
        Assert.Equal(newestFirst.Take(100), await chat.Member.PageIdsAsync(chat.Messages + "?limit=100"));
        Assert.Equal(newestFirst.Skip(10).Take(5), await chat.Member.PageIdsAsync($"{chat.Messages}?before={newestFirst[9]}&limit=5"));
        Assert.Empty(await chat.Member.PageIdsAsync($"{chat.Messages}?before={ids[0]}"));
        // after: the messages right after the cursor, still newest first.
        Assert.Equal(ids.Skip(1).Take(3).Reverse(), await chat.Member.PageIdsAsync($"{chat.Messages}?after={ids[0]}&limit=3"));
        Assert.Empty(await chat.Member.PageIdsAsync($"{chat.Messages}?after={ids[^1]}"));
        // both: a window between two cursors.
        Assert.Equal(ids.Skip(5).Take(4).Reverse(), await chat.Member.PageIdsAsync($"{chat.Messages}?after={ids[4]}&before={ids[9]}"));
    }

    [Fact]
    public async Task WalkingPagesWhileOthersPostNeverRepeatsOrSkips()
    {
        var chat = await app.CreateChatAsync();
        var existing = await app.SeedMessagesAsync(chat.ChannelId, chat.Member, 90);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var posted = 0;
            while (!stop.IsCancellationRequested && posted < 200)
            {
                await (await chat.Admin.PostAsync(chat.Messages, new { content = $"live {posted++}" })).AssertStatusAsync(HttpStatusCode.Created);
            }
            return posted;
        });

        var backward = new List<long>();
        var page = await chat.Member.PageIdsAsync(chat.Messages + "?limit=7");
        var seenLive = page.Where(id => !existing.Contains(id)).ToList();
        backward.AddRange(page.Where(existing.Contains));
        while (page.Count > 0)
        {
            page = await chat.Member.PageIdsAsync($"{chat.Messages}?limit=7&before={page[^1]}");
            backward.AddRange(page.Where(existing.Contains));
            Assert.DoesNotContain(page, id => !existing.Contains(id) && seenLive.Contains(id));
        }
        var forward = new List<long>();
        for (var cursor = 1L; ;)
        {
            page = await chat.Member.PageIdsAsync($"{chat.Messages}?limit=9&after={cursor}");
            if (page.Count == 0) break;
            forward.AddRange(Enumerable.Reverse(page));
            cursor = page[0];
        }
        await stop.CancelAsync();
        Assert.True(await writer > 0);

        Assert.Equal(Enumerable.Reverse(existing), backward);   // every old message once, in order, while new ones arrived
        Assert.Equal(existing, forward.Where(existing.Contains));
        Assert.Equal(forward.Order(), forward);                  // ascending, so no repeats either
        Assert.Equal(forward.Count, forward.Distinct().Count());
    }

    [Fact]
    public async Task DeletedMessagesAreGoneFromEveryPage()
    {
        var chat = await app.CreateChatAsync();
        var ids = await app.SeedMessagesAsync(chat.ChannelId, chat.Member, 10);
        await (await chat.Member.DeleteAsync($"/api/messages/{ids[5]}")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.DoesNotContain(ids[5], await chat.Member.PageIdsAsync(chat.Messages));
        Assert.DoesNotContain(ids[5], await chat.Member.PageIdsAsync($"{chat.Messages}?before={ids[7]}&limit=3"));
        Assert.DoesNotContain(ids[5], await chat.Member.PageIdsAsync($"{chat.Messages}?after={ids[3]}&limit=3"));
        await (await chat.Member.DeleteAsync($"/api/messages/{ids[5]}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class MessageTestsOnPostgres(PostgresApp app) : MessageTests(app), IClassFixture<PostgresApp>;
public sealed class MessageTestsOnSqlite(SqliteApp app) : MessageTests(app), IClassFixture<SqliteApp>;
