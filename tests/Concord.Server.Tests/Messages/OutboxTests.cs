using System.Net;
using Concord.Server.Infrastructure.Outbox;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Tests.Messages;

/// <summary>
/// The outbox's fast path: a send's event row commits with the message and is gone once the node published it, so the
/// table holds only what a dead node left behind (the relay itself is proven with the official client in
/// Realtime/RealtimeInteropTests and with a real SIGKILL in Faults/).
/// </summary>
public abstract class OutboxTests(ConcordApp app)
{
    [Fact]
    public async Task APublishedSendLeavesNoOutboxRowBehind()
    {
        var chat = await app.CreateChatAsync();
        var response = await chat.Member.PostAsync(chat.Messages, new { content = "fast path" });
        await response.AssertStatusAsync(HttpStatusCode.Created);
        var id = (await response.JsonAsync()).GetProperty("id").GetString();

        // Deleted in a batch off the request path: wait for it, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.WithDbAsync(db => db.Set<OutboxEvent>().AnyAsync(e => e.Payload.Contains(id!))))
        {
            Assert.True(DateTime.UtcNow < deadline, "the published event's outbox row was never deleted");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task AFailedSendWritesNoOutboxRow()
    {
        var chat = await app.CreateChatAsync();
        var marker = Guid.NewGuid().ToString("N");
        await (await chat.Outsider.PostAsync(chat.Messages, new { content = marker })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await chat.Member.PostAsync(chat.Messages, new { content = marker, nonce = new string('n', 65) })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await app.WithDbAsync(db => db.Set<OutboxEvent>().AnyAsync(e => e.Payload.Contains(marker))));
    }
}

public sealed class OutboxTestsOnPostgres(PostgresApp app) : OutboxTests(app), IClassFixture<PostgresApp>;
public sealed class OutboxTestsOnSqlite(SqliteApp app) : OutboxTests(app), IClassFixture<SqliteApp>;
