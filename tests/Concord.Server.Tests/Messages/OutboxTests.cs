using System.Net;
using Concord.Server.Infrastructure.Ids;
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

/// <summary>The relay publishes a row through its catalogue entry; a name the catalogue does not know is dropped, not sent.</summary>
public sealed class OutboxRelayCatalogueTests
{
    [Fact]
    public async Task TheRelayPublishesKnownEventsAndDropsNamesTheCatalogueDoesNotKnow()
    {
        using var app = new ConcordApp(Backend.Sqlite, new Dictionary<string, string?>
        {
            ["Outbox:RelayAfter"] = "00:00:00.100",
            ["Outbox:RelayInterval"] = "00:00:00.100",
        });
        var chat = await app.CreateChatAsync();
        await using var client = await Realtime.GatewayClient.ConnectAsync(app, chat.Member);
        Assert.True((await client.RequestAsync("join-channel", new { channelId = chat.ChannelId })).GetProperty("ok").GetBoolean());

        // Left behind by a node that died: older than RelayAfter; the unknown one first in id order.
        var old = SnowflakeGenerator.MinIdAt(DateTimeOffset.UtcNow.AddMinutes(-1));
        var rooms = $"[\"channel:{chat.ChannelId}\"]";
        await app.WithDbAsync(async db =>
        {
            db.Add(new OutboxEvent { Id = old + 1, Rooms = rooms, EventName = "no-such-event", Payload = """{"secret":true}""" });
            db.Add(new OutboxEvent { Id = old + 2, Rooms = rooms, EventName = "message-deleted", Payload = $$"""{"id":"1","channelId":"{{chat.ChannelId}}","serverId":"{{chat.ServerId}}"}""" });
            await db.SaveChangesAsync();
        });

        var deleted = await client.NextEventAsync("message-deleted");
        Assert.Equal(chat.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), deleted.GetProperty("channelId").GetString());
        Assert.DoesNotContain("no-such-event", client.Seen);
        // Both rows are gone: the unknown one is not retried forever.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.WithDbAsync(db => db.Set<OutboxEvent>().AnyAsync(e => e.Id == old + 1 || e.Id == old + 2)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the relayed rows were never deleted");
            await Task.Delay(20);
        }
    }
}
