using System.Net;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Messages;

/// <summary>Who may edit and delete a member's message.</summary>
public abstract class MessagePermissionTests(ConcordApp app)
{
    public enum Who { Author, Admin, Owner, OtherMember, NonMember }

    public static TheoryData<Who, HttpStatusCode> EditMatrix => new()
    {
        { Who.Author, HttpStatusCode.OK },
        { Who.Admin, HttpStatusCode.Forbidden },
        { Who.Owner, HttpStatusCode.Forbidden },
        { Who.OtherMember, HttpStatusCode.Forbidden },
        { Who.NonMember, HttpStatusCode.NotFound },
    };

    public static TheoryData<Who, HttpStatusCode> DeleteMatrix => new()
    {
        { Who.Author, HttpStatusCode.NoContent },
        { Who.Admin, HttpStatusCode.NoContent },
        { Who.Owner, HttpStatusCode.NoContent },
        { Who.OtherMember, HttpStatusCode.Forbidden },
        { Who.NonMember, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(EditMatrix))]
    public async Task OnlyTheAuthorEdits(Who who, HttpStatusCode expected)
    {
        var (chat, messageId, caller) = await ArrangeAsync(who);
        var response = await caller.PatchAsync($"/api/messages/{messageId}", new { content = " edited " });
        var content = await app.WithDbAsync(db => db.Messages.Where(m => m.Id == messageId).Select(m => m.Content).SingleAsync());
        if (expected == HttpStatusCode.OK)
        {
            await response.AssertStatusAsync(HttpStatusCode.OK);
            var body = await response.JsonAsync();
            Assert.Equal("edited", body.GetProperty("content").GetString());
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, body.GetProperty("editedAt").ValueKind);
            Assert.Equal("edited", content);
        }
        else
        {
            await response.AssertProblemAsync(expected);
            Assert.Equal("original", content);
        }
    }

    [Theory]
    [MemberData(nameof(DeleteMatrix))]
    public async Task TheAuthorAnAdminOrTheOwnerDeletes(Who who, HttpStatusCode expected)
    {
        var (_, messageId, caller) = await ArrangeAsync(who);
        var response = await caller.DeleteAsync($"/api/messages/{messageId}");
        var exists = await app.WithDbAsync(db => db.Messages.AnyAsync(m => m.Id == messageId));
        if (expected == HttpStatusCode.NoContent)
        {
            await response.AssertStatusAsync(HttpStatusCode.NoContent);
            Assert.False(exists);
        }
        else
        {
            await response.AssertProblemAsync(expected);
            Assert.True(exists);
        }
    }

    [Fact]
    public async Task EditRejectsBadContentAndUnknownMessages()
    {
        var (chat, messageId, author) = await ArrangeAsync(Who.Author);
        foreach (var body in new object[] { new { content = "" }, new { content = "   " }, new { content = new string('x', 2001) } })
        {
            var problem = await (await author.PatchAsync($"/api/messages/{messageId}", body)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("content", out _));
        }
        await (await author.PatchAsync("/api/messages/987654321", new { content = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await author.PatchAsync("/api/messages/abc", new { content = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(Chat Chat, long MessageId, TestUser Caller)> ArrangeAsync(Who who)
    {
        var chat = await app.CreateChatAsync();
        var otherMember = await app.NewUser().RegisterAsync();
        await app.WithDbAsync(async db =>
        {
            db.Members.Add(new Features.Members.Member { ServerId = chat.ServerId, UserId = otherMember.UserId(), Role = Features.Members.MemberRole.Member, JoinedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        var sent = await chat.Member.PostAsync(chat.Messages, new { content = "original" });
        await sent.AssertStatusAsync(HttpStatusCode.Created);
        var caller = who switch
        {
            Who.Author => chat.Member,
            Who.Admin => chat.Admin,
            Who.Owner => chat.Owner,
            Who.OtherMember => otherMember,
            _ => chat.Outsider,
        };
        return (chat, (await sent.JsonAsync()).Id(), caller);
    }
}

public sealed class MessagePermissionTestsOnPostgres(PostgresApp app) : MessagePermissionTests(app), IClassFixture<PostgresApp>;
public sealed class MessagePermissionTestsOnSqlite(SqliteApp app) : MessagePermissionTests(app), IClassFixture<SqliteApp>;
