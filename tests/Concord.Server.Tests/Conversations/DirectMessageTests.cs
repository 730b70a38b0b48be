using System.Net;
using System.Text;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Conversations;

public abstract class DirectMessageTests(ConcordApp app)
{
    private sealed record Dm(long Id, TestUser Alice, TestUser Bob, TestUser Stranger)
    {
        public string Messages => $"/api/conversations/{Id}/messages";
    }

    private async Task<Dm> OpenAsync()
    {
        var alice = await app.NewUser().RegisterAsync();
        var bob = await app.NewUser().RegisterAsync();
        var stranger = await app.NewUser().RegisterAsync();
        var response = await alice.PostAsync("/api/conversations", new { userId = bob.Id });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return new Dm((await response.JsonAsync()).Id(), alice, bob, stranger);
    }

    [Fact]
    public async Task ParticipantsSendAndReadPagesNewestFirst()
    {
        var dm = await OpenAsync();
        var sent = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var sender = i % 2 == 0 ? dm.Alice : dm.Bob;
            var response = await sender.PostAsync(dm.Messages, new { content = $" m{i} " });
            await response.AssertStatusAsync(HttpStatusCode.Created);
            var body = await response.JsonAsync();
            Assert.Equal($"m{i}", body.GetProperty("content").GetString());
            Assert.Equal(dm.Id.ToString(), body.GetProperty("conversationId").GetString());
            Assert.Equal(sender.Id, body.GetProperty("author").GetProperty("id").GetString());
            sent.Add(body.Id());
        }
        Assert.Equal(Enumerable.Reverse(sent), await dm.Bob.PageIdsAsync(dm.Messages));
        Assert.Equal(new[] { sent[3], sent[2] }, await dm.Bob.PageIdsAsync($"{dm.Messages}?before={sent[4]}&limit=2"));
        Assert.Equal(new[] { sent[2], sent[1] }, await dm.Bob.PageIdsAsync($"{dm.Messages}?after={sent[0]}&limit=2"));
        await (await dm.Bob.GetAsync($"{dm.Messages}?limit=101")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OnlyParticipantsSeeOrPost()
    {
        var dm = await OpenAsync();
        var sent = await (await dm.Alice.PostAsync(dm.Messages, new { content = "private" })).JsonAsync();
        await (await dm.Stranger.GetAsync(dm.Messages)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await dm.Stranger.PostAsync(dm.Messages, new { content = "let me in" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await dm.Stranger.DeleteAsync($"{dm.Messages}/{sent.Id()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await dm.Alice.GetAsync("/api/conversations/123456789/messages")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, await app.WithDbAsync(db => db.DirectMessages.CountAsync(m => m.ConversationId == dm.Id)));
    }

    [Fact]
    public async Task OnlyTheAuthorEditsAndTheEditIsWhatEveryoneReads()
    {
        var dm = await OpenAsync();
        var id = (await (await dm.Alice.PostAsync(dm.Messages, new { content = "tpyo" })).JsonAsync()).Id();
        var path = $"{dm.Messages}/{id}";

        await (await dm.Bob.PatchAsync(path, new { content = "hijack" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await dm.Stranger.PatchAsync(path, new { content = "hijack" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await dm.Alice.PatchAsync(path, new { content = "" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await dm.Alice.PatchAsync($"{dm.Messages}/123456789", new { content = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
        var edited = await dm.Alice.PatchAsync(path, new { content = " typo " });
        await edited.AssertStatusAsync(HttpStatusCode.OK);
        var body = await edited.JsonAsync();
        Assert.Equal("typo", body.GetProperty("content").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, body.GetProperty("editedAt").ValueKind);

        var page = await (await dm.Bob.GetAsync(dm.Messages)).JsonAsync();
        Assert.Equal("typo", page[0].GetProperty("content").GetString());
        Assert.Equal(body.GetProperty("editedAt").GetDateTimeOffset(), page[0].GetProperty("editedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task OnlyTheAuthorDeletesAndTheLastMessageFallsBack()
    {
        var dm = await OpenAsync();
        var first = (await (await dm.Alice.PostAsync(dm.Messages, new { content = "first" })).JsonAsync()).Id();
        var second = (await (await dm.Alice.PostAsync(dm.Messages, new { content = "second" })).JsonAsync()).Id();

        await (await dm.Bob.DeleteAsync($"{dm.Messages}/{second}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await dm.Alice.DeleteAsync($"{dm.Messages}/{second}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await dm.Alice.DeleteAsync($"{dm.Messages}/{second}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(new[] { first }, await dm.Bob.PageIdsAsync(dm.Messages));

        var list = await (await dm.Bob.GetAsync("/api/conversations")).JsonAsync();
        Assert.Equal("first", list[0].GetProperty("lastMessage").GetProperty("content").GetString());
    }

    [Fact]
    public async Task NonceRetriesOfADirectMessageStoreOneMessage()
    {
        var dm = await OpenAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => dm.Alice.PostAsync(dm.Messages, new { content = "once", nonce = "dm-nonce" })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Equal(1, await app.WithDbAsync(db => db.DirectMessages.CountAsync(m => m.ConversationId == dm.Id)));
    }

    [Theory]
    [InlineData("{\"content\":\"\"}", "content")]
    [InlineData("{\"content\":\"  \"}", "content")]
    [InlineData("{\"content\":42}", "content")]
    [InlineData("{\"content\":\"ok\",\"nonce\":\"0123456789012345678901234567890123456789012345678901234567890123x\"}", "nonce")]
    public async Task BadDirectMessagesAre400(string body, string field)
    {
        var dm = await OpenAsync();
        var long2001 = "{\"content\":\"" + new string('x', 2001) + "\"}";
        foreach (var b in new[] { body, long2001 })
        {
            var problem = await (await dm.Alice.Http.PostAsync(dm.Messages, new StringContent(b, Encoding.UTF8, "application/json")))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(b == long2001 ? "content" : field, out _), problem.ToString());
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.DirectMessages.CountAsync(m => m.ConversationId == dm.Id)));
    }
}

public sealed class DirectMessageTestsOnPostgres(PostgresApp app) : DirectMessageTests(app), IClassFixture<PostgresApp>;
public sealed class DirectMessageTestsOnSqlite(SqliteApp app) : DirectMessageTests(app), IClassFixture<SqliteApp>;
