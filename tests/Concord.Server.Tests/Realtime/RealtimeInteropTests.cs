using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Realtime;

/// <summary>
/// The chat gateway driven by the official socket.io-client (tests/interop/chat/*.test.mjs): each Node file
/// registers its own users over REST, connects sockets and asserts what arrives.
/// </summary>
public abstract class RealtimeInteropTests(Backend backend)
{
    [Fact]
    public async Task ChatScenariosPassWithTheOfficialClient()
    {
        using var app = new RealtimeApp(backend);
        await NodeScenarios.RunAsync("chat.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = app.Url });
    }

    /// <summary>The outbox's fault hook: events are committed but never published by the request, as after a crash; the relay delivers them.</summary>
    [Fact]
    public async Task EventsCommittedButNeverPublishedByTheirNodeAreDeliveredByTheOutboxRelay()
    {
        using var app = new RealtimeApp(backend, new Dictionary<string, string?>
        {
            ["Outbox:SkipImmediatePublishForTests"] = "true",
            ["Outbox:RelayAfter"] = "00:00:00.200",
            ["Outbox:RelayInterval"] = "00:00:00.100",
        });
        await NodeScenarios.RunAsync("outbox.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = app.Url });
    }

    [Fact]
    public async Task AttachmentsAndMentionsReachSocketsWithTheWorkersEvents()
    {
        using var app = new RealtimeApp(backend);
        await NodeScenarios.RunAsync("media.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = app.Url });
    }

    [Fact]
    public async Task RateLimitedSendsEventFloodsFullCallsAndStaleTypingAreRefusedOrEnded()
    {
        using var app = new RealtimeApp(backend, new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:Auth:PermitLimit"] = "1000",
            ["RateLimiting:Api:PermitLimit"] = "1000",
            ["RateLimiting:MessagesPerChannel:PermitLimit"] = "3",
            ["RateLimiting:MessagesPerChannel:Window"] = "00:05:00",
            ["Calls:MaxParticipants"] = "2",
            ["Realtime:EventsPerWindow"] = "8",
            ["Realtime:EventWindow"] = "00:05:00",
            // Short here, so the expiry scenario is quick; chat.test.mjs keeps the 10 s default, so a typing-stop
            // there within its 5 s wait can only come from the message that ended it.
            ["Realtime:TypingTimeout"] = "00:00:00.300",
        });
        await NodeScenarios.RunAsync("limits.test.mjs", new Dictionary<string, string>
        {
            ["CONCORD_URL"] = app.Url, ["CONCORD_MESSAGE_LIMIT"] = "3", ["CONCORD_CALL_LIMIT"] = "2", ["CONCORD_EVENT_BUDGET"] = "8",
        });
    }
}

public sealed class RealtimeInteropTestsOnPostgres() : RealtimeInteropTests(Backend.Postgres)
{
    /// <summary>Two nodes on one PostgreSQL database and one Redis, as behind a load balancer.</summary>
    [Fact]
    public async Task TwoNodesOnOneRedisDeliverAcrossNodesResumeDroppedClientsAndShareCallCapacity()
    {
        // Two places per call, so the race for the last one is quick to set up (two-nodes.test.mjs).
        using var a = new RealtimeApp(Backend.Postgres, new Dictionary<string, string?> { ["Snowflake:WorkerId"] = "1", ["Calls:MaxParticipants"] = "2" });
        using var b = new RealtimeApp(Backend.Postgres, new Dictionary<string, string?> { ["Snowflake:WorkerId"] = "2", ["Calls:MaxParticipants"] = "2" },
            reuseDatabaseOf: a.DatabaseName);
        await NodeScenarios.RunAsync("two-nodes.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = a.Url, ["CONCORD_URL_B"] = b.Url });
    }
}
public sealed class RealtimeInteropTestsOnSqlite() : RealtimeInteropTests(Backend.Sqlite);
