using System.Net;
using System.Text;
using System.Text.Json;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Conversations;

public abstract class ConversationTests(ConcordApp app)
{
    [Fact]
    public async Task OpeningA1To1ConversationTwiceGivesTheSameOneWith201Then200()
    {
        var alice = await app.NewUser().RegisterAsync();
        var bob = await app.NewUser().RegisterAsync();
        var first = await alice.PostAsync("/api/conversations", new { userId = bob.Id });
        await first.AssertStatusAsync(HttpStatusCode.Created);
        var body = await first.JsonAsync();
        Assert.False(body.GetProperty("isGroup").GetBoolean());
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(), body.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Order());

        var again = await alice.PostAsync("/api/conversations", new { userId = bob.Id });
        await again.AssertStatusAsync(HttpStatusCode.OK);
        var reverse = await bob.PostAsync("/api/conversations", new { userId = alice.Id });
        await reverse.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(body.Id(), (await again.JsonAsync()).Id());
        Assert.Equal(body.Id(), (await reverse.JsonAsync()).Id());
    }

    [Fact]
    public async Task ConcurrentOpensOfOnePairMakeOneConversation()
    {
        var alice = await app.NewUser().RegisterAsync();
        var bob = await app.NewUser().RegisterAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? alice.PostAsync("/api/conversations", new { userId = bob.Id })
            : bob.PostAsync("/api/conversations", new { userId = alice.Id })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        var ids = new HashSet<long>();
        foreach (var r in responses) ids.Add((await r.JsonAsync()).Id());
        Assert.Single(ids);
        var (a, b) = (alice.UserId(), bob.UserId());
        Assert.Equal(1, await app.WithDbAsync(db => db.Conversations.CountAsync(c => !c.IsGroup && c.Participants.Any(p => p.UserId == a) && c.Participants.Any(p => p.UserId == b))));
    }

    [Fact]
    public async Task AParticipantLeavesAGroupAndTheLastOneOutDeletesIt()
    {
        var alice = await app.NewUser().RegisterAsync();
        var bob = await app.NewUser().RegisterAsync();
        var carol = await app.NewUser().RegisterAsync();
        var id = (await (await alice.PostAsync("/api/conversations", new { userIds = new[] { bob.Id, carol.Id } })).JsonAsync()).Id();
        var messages = $"/api/conversations/{id}/messages";
        await (await alice.PostAsync(messages, new { content = "hi both" })).AssertStatusAsync(HttpStatusCode.Created);

        await (await carol.PostAsync($"/api/conversations/{id}/leave")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await carol.GetAsync(messages)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await carol.PostAsync(messages, new { content = "still here?" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await carol.PostAsync($"/api/conversations/{id}/leave")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await carol.GetAsync("/api/conversations")).JsonAsync()).EnumerateArray(), c => c.Id() == id);
        var seenByBob = (await (await bob.GetAsync("/api/conversations")).JsonAsync()).EnumerateArray().Single(c => c.Id() == id);
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(), seenByBob.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Order());

        await (await alice.PostAsync($"/api/conversations/{id}/leave")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await bob.PostAsync($"/api/conversations/{id}/leave")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.False(await app.WithDbAsync(db => db.Conversations.AnyAsync(c => c.Id == id)));
        Assert.False(await app.WithDbAsync(db => db.DirectMessages.AnyAsync(m => m.ConversationId == id)));
    }

    [Fact]
    public async Task AnyParticipantAddsSomeoneToAGroupWhoThenSeesItsHistory()
    {
        var alice = await app.NewUser().RegisterAsync();
        var bob = await app.NewUser().RegisterAsync();
        var carol = await app.NewUser().RegisterAsync();
        var dave = await app.NewUser().RegisterAsync();
        var stranger = await app.NewUser().RegisterAsync();
        var id = (await (await alice.PostAsync("/api/conversations", new { userIds = new[] { bob.Id, carol.Id } })).JsonAsync()).Id();
        var participants = $"/api/conversations/{id}/participants";
        await (await alice.PostAsync($"/api/conversations/{id}/messages", new { content = "before dave" })).AssertStatusAsync(HttpStatusCode.Created);

        await (await stranger.PostAsync(participants, new { userId = stranger.Id })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await bob.PostAsync(participants, new { userId = "123456789" })).AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await (await bob.PostAsync(participants, new { userId = "abc" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("userId", problem.GetRawText());

        var added = await bob.PostAsync(participants, new { userId = dave.Id });
        await added.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(new[] { alice.Id, bob.Id, carol.Id, dave.Id }.Order(),
            (await added.JsonAsync()).GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()).Order());
        var history = await (await dave.GetAsync($"/api/conversations/{id}/messages")).JsonAsync();
        Assert.Equal("before dave", history[0].GetProperty("content").GetString());
        // Adding someone already there changes nothing.
        await (await carol.PostAsync(participants, new { userId = dave.Id })).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(4, await app.WithDbAsync(db => db.ConversationParticipants.CountAsync(p => p.ConversationId == id)));
    }

    [Fact]
    public async Task AGroupHoldsAtMostTenEvenUnderConcurrentAddsAndA1To1TakesNoThird()
    {
        var owner = await app.NewUser().RegisterAsync();
        var users = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => app.NewUser().RegisterAsync()));
        var id = (await (await owner.PostAsync("/api/conversations", new { userIds = users.Take(2).Select(u => u.Id) })).JsonAsync()).Id();

        // 10 concurrent adds for the 7 free places.
        var responses = await Task.WhenAll(users.Skip(2).Select(u => owner.PostAsync($"/api/conversations/{id}/participants", new { userId = u.Id })));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(10, await app.WithDbAsync(db => db.ConversationParticipants.CountAsync(p => p.ConversationId == id)));

        var direct = (await (await users[0].PostAsync("/api/conversations", new { userId = users[1].Id })).JsonAsync()).Id();
        await (await users[0].PostAsync($"/api/conversations/{direct}/participants", new { userId = users[2].Id })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(2, await app.WithDbAsync(db => db.ConversationParticipants.CountAsync(p => p.ConversationId == direct)));
    }

    [Fact]
    public async Task ADirectConversationCannotBeLeftAndStrangersCannotTellItExists()
    {
        var alice = await app.NewUser().RegisterAsync();
        var bob = await app.NewUser().RegisterAsync();
        var stranger = await app.NewUser().RegisterAsync();
        var id = (await (await alice.PostAsync("/api/conversations", new { userId = bob.Id })).JsonAsync()).Id();

        await (await alice.PostAsync($"/api/conversations/{id}/leave")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await stranger.PostAsync($"/api/conversations/{id}/leave")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.PostAsync("/api/conversations/123456789/leave")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, await app.WithDbAsync(db => db.ConversationParticipants.CountAsync(p => p.ConversationId == id)));
    }

    [Fact]
    public async Task AGroupHasTwoToNineOthers()
    {
        var me = await app.NewUser().RegisterAsync();
        var others = new List<TestUser>();
        for (var i = 0; i < 10; i++) others.Add(await app.NewUser().RegisterAsync());

        var group = await me.PostAsync("/api/conversations", new { userIds = others.Take(2).Select(o => o.Id), name = "Trio" });
        await group.AssertStatusAsync(HttpStatusCode.Created);
        var body = await group.JsonAsync();
        Assert.True(body.GetProperty("isGroup").GetBoolean());
        Assert.Equal("Trio", body.GetProperty("name").GetString());
        Assert.Equal(3, body.GetProperty("participants").GetArrayLength());
        await (await me.PostAsync("/api/conversations", new { userIds = others.Take(9).Select(o => o.Id) })).AssertStatusAsync(HttpStatusCode.Created);
        // A second group of the same people is a new conversation.
        await (await me.PostAsync("/api/conversations", new { userIds = others.Take(2).Select(o => o.Id) })).AssertStatusAsync(HttpStatusCode.Created);

        foreach (var bad in new object[]
        {
            new { userIds = others.Take(1).Select(o => o.Id) },
            new { userIds = others.Take(10).Select(o => o.Id) },
            new { userIds = new[] { others[0].Id, others[0].Id } },
            new { userIds = new[] { others[0].Id, me.Id } },
        })
        {
            var problem = await (await me.PostAsync("/api/conversations", bad)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("userIds", out _), problem.ToString());
        }
    }

    public static TheoryData<string, HttpStatusCode> BadOpens => new()
    {
        { "{}", HttpStatusCode.BadRequest },
        { "{\"userId\":\"abc\"}", HttpStatusCode.BadRequest },
        { "{\"userId\":true}", HttpStatusCode.BadRequest },
        { "{\"userId\":\"-3\"}", HttpStatusCode.BadRequest },
        { "{\"userId\":\"1\",\"userIds\":[\"2\",\"3\"]}", HttpStatusCode.BadRequest },
        { "{\"userIds\":\"x\"}", HttpStatusCode.BadRequest },
        { "{\"userId\":\"123456789\"}", HttpStatusCode.NotFound },
        { "{\"userIds\":[\"123456789\",\"123456788\"]}", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadOpens))]
    public async Task BadOpenRequestsAreRefused(string body, HttpStatusCode status)
    {
        var me = await app.NewUser().RegisterAsync();
        await (await me.Http.PostAsync("/api/conversations", new StringContent(body, Encoding.UTF8, "application/json"))).AssertProblemAsync(status);
        var id = me.UserId();
        Assert.Equal(0, await app.WithDbAsync(db => db.ConversationParticipants.CountAsync(p => p.UserId == id)));
    }

    [Fact]
    public async Task NobodyOpensAConversationWithThemself()
    {
        var me = await app.NewUser().RegisterAsync();
        var problem = await (await me.PostAsync("/api/conversations", new { userId = me.Id })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _));
    }

    [Fact]
    public async Task TheListShowsMostRecentActivityFirstWithParticipantsAndLastMessage()
    {
        var me = await app.NewUser().RegisterAsync();
        var (x, y, z) = (await app.NewUser().RegisterAsync(), await app.NewUser().RegisterAsync(), await app.NewUser().RegisterAsync());
        var withX = await OpenAsync(me, x);
        var withY = await OpenAsync(me, y);
        var withZ = await OpenAsync(me, z);
        Assert.Equal([withZ, withY, withX], await ListAsync(me)); // no messages yet: newest conversation first

        await (await x.PostAsync($"/api/conversations/{withX}/messages", new { content = "ping" })).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal([withX, withZ, withY], await ListAsync(me));

        var list = await (await me.GetAsync("/api/conversations")).JsonAsync();
        var first = list[0];
        Assert.Equal("ping", first.GetProperty("lastMessage").GetProperty("content").GetString());
        Assert.Equal(x.Id, first.GetProperty("lastMessage").GetProperty("author").GetProperty("id").GetString());
        Assert.Equal(2, first.GetProperty("participants").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, list[1].GetProperty("lastMessage").ValueKind);
        Assert.Equal([withX], await ListAsync(x));
        Assert.Equal([withX, withZ], await ListAsync(me, "?limit=2"));
        await (await me.GetAsync("/api/conversations?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task<long> OpenAsync(TestUser me, TestUser other)
    {
        var response = await me.PostAsync("/api/conversations", new { userId = other.Id });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.JsonAsync()).Id();
    }

    private static Task<List<long>> ListAsync(TestUser user, string query = "") => user.PageIdsAsync("/api/conversations" + query);
}

public sealed class ConversationTestsOnPostgres(PostgresApp app) : ConversationTests(app), IClassFixture<PostgresApp>;
public sealed class ConversationTestsOnSqlite(SqliteApp app) : ConversationTests(app), IClassFixture<SqliteApp>;
