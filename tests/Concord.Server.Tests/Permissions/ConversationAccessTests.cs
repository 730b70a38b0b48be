using System.Globalization;
using System.Net;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Concord.Server.Tests.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Permissions;

/// <summary>The rule itself: participants only, everyone else (and a missing conversation) not found.</summary>
public sealed class ConversationRuleTests
{
    public static TheoryData<long[], long, bool> Rows => new()
    {
        { [1, 2], 1, true },
        { [1, 2, 3], 3, true },
        { [1, 2], 3, false },
        { [], 1, false }, // no such conversation
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void OnlyParticipantsMaySeeAConversation(long[] participants, long userId, bool allowed)
    {
        var error = ConversationAccess.Decide(participants, userId);
        if (allowed) Assert.Null(error);
        else Assert.Equal(ErrorCode.NotFound, error!.Code);
    }
}

/// <summary>
/// <see cref="ConversationAccess"/> against the database, and the REST route and the socket event that ask it: the three
/// answer alike for a participant, an outsider, a former participant (left the group) and a conversation that does not exist.
/// </summary>
public abstract class ConversationAccessTests(ConcordApp app)
{
    public enum Who { Participant, Outsider, FormerParticipant, ParticipantOfNoSuchConversation }

    public static TheoryData<Who, bool> Matrix => new()
    {
        { Who.Participant, true },
        { Who.Outsider, false },
        { Who.FormerParticipant, false },
        { Who.ParticipantOfNoSuchConversation, false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task OnlyCurrentParticipantsSeeOrActInAConversation(Who who, bool allowed)
    {
        var chat = await app.CreateChatAsync();
        var created = await chat.Member.PostAsync("/api/conversations", new { userIds = new[] { chat.Admin.Id, chat.Owner.Id } });
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var conversationId = (await created.JsonAsync()).Id();
        await (await chat.Owner.PostAsync($"/api/conversations/{conversationId}/leave")).AssertStatusAsync(HttpStatusCode.NoContent);
        var (caller, id) = who switch
        {
            Who.Participant => (chat.Member, conversationId),
            Who.Outsider => (chat.Outsider, conversationId),
            Who.FormerParticipant => (chat.Owner, conversationId),
            _ => (chat.Member, 999_999_999L),
        };

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var access = scope.ServiceProvider.GetRequiredService<ConversationAccess>();
            var check = await access.CheckAsync(caller.UserId(), id);
            var (participants, denied) = await access.ParticipantsAsync(caller.UserId(), id);
            if (allowed)
            {
                Assert.Null(check);
                Assert.Null(denied);
                Assert.Equal(new[] { chat.Member.UserId(), chat.Admin.UserId() }.Order(), participants.Order());
            }
            else
            {
                Assert.Equal(ErrorCode.NotFound, check!.Code);
                Assert.Equal(ErrorCode.NotFound, denied!.Code);
                Assert.Empty(participants); // nobody is revealed to a non-participant
            }
        }

        var rest = await caller.GetAsync($"/api/conversations/{id}/messages");
        if (allowed) await rest.AssertStatusAsync(HttpStatusCode.OK);
        else await rest.AssertProblemAsync(HttpStatusCode.NotFound);

        await using var socket = await GatewayClient.ConnectAsync(app, caller);
        var ack = await socket.RequestAsync("join-conversation", new { conversationId = id.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal(allowed, ack.GetProperty("ok").GetBoolean());
        if (!allowed) Assert.Equal("not_found", ack.GetProperty("error").GetProperty("code").GetString());
    }
}

public sealed class ConversationAccessTestsOnPostgres(PostgresApp app) : ConversationAccessTests(app), IClassFixture<PostgresApp>;
public sealed class ConversationAccessTestsOnSqlite(SqliteApp app) : ConversationAccessTests(app), IClassFixture<SqliteApp>;
