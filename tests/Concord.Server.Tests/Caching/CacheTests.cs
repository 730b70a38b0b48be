using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Caching;

/// <summary>
/// The read cache: what the hot paths cost in database round trips (and which columns they filter on), and that every
/// write that changes a cached fact is seen at once — on another node too.
/// </summary>
public abstract partial class CacheTests(Backend backend) : IDisposable
{
    private readonly SqlRecorder _sql = new();
    private readonly ConcordApp _app = new(backend);
    private WebApplicationFactory<Program>? _recorded;

    /// <summary>The app with the recorder among its EF Core interceptors.</summary>
    private WebApplicationFactory<Program> App => _recorded ??= _app.WithWebHostBuilder(b =>
        b.ConfigureTestServices(s => s.AddSingleton<IInterceptor>(_sql)));

    private async Task<(Chat Chat, HttpClient Member)> ChatAsync()
    {
        _ = App.Services; // starts the recorded host on the shared database first
        var chat = await _app.CreateChatAsync();
        return (chat, await BearerAsync(App, chat.Member));
    }

    [Fact]
    public async Task SendingAMessageCostsOneDatabaseRoundTripOnceTheCacheIsWarm()
    {
        var (chat, member) = await ChatAsync();
        await (await member.PostAsJsonAsync(chat.Messages, new { content = "warms the cache" })).AssertStatusAsync(HttpStatusCode.Created);

        using (_sql.Record(out var commands))
        {
            var response = await member.PostAsJsonAsync(chat.Messages, new { content = "hello", nonce = Guid.NewGuid().ToString() });
            await response.AssertStatusAsync(HttpStatusCode.Created);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(chat.Member.Username, body.GetProperty("author").GetProperty("username").GetString());
            // The outbox deletes published rows in batches off the request path, and its relay looks for left-behind rows
            // every second: either may land in this window (a loaded box makes the window long), neither is the send's.
            var sendPath = commands.Where(c => !Statement(c, "DELETE FROM", "outbox_events") && !Statement(c, @"SELECT \* FROM", "outbox_events")).ToList();
            Assert.Single(sendPath, c => Statement(c, "INSERT INTO", "messages"));
            // PostgreSQL sends the message and its outbox row as one batch; SQLite (in process, no network) runs them as
            // two statements of one transaction.
            var expected = backend == Backend.Postgres ? 1 : 2;
            Assert.True(sendPath.Count == expected, "round trips: " + string.Join("\n---\n", sendPath));
            Assert.Contains(sendPath, c => Statement(c, "INSERT INTO", "outbox_events"));
        }
    }

    [Fact]
    public async Task AHistoryPageCostsOneDatabaseRoundTripOnceTheCacheIsWarm()
    {
        var (chat, member) = await ChatAsync();
        await _app.SeedMessagesAsync(chat.ChannelId, chat.Owner, 5);
        await (await member.GetAsync(chat.Messages)).AssertStatusAsync(HttpStatusCode.OK);

        using (_sql.Record(out var commands))
        {
            var page = await (await member.GetAsync(chat.Messages + "?limit=3")).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(3, page.GetArrayLength());
            Assert.True(commands.Count == 1, "round trips: " + string.Join("\n---\n", commands));
        }
    }

    /// <summary>
    /// docs/scaling.md: messages are distributed by channel, server-scoped tables by server, conversations' tables by
    /// conversation; channels and users are reference tables. Every statement of the hot paths, cold cache included,
    /// must name its table's distribution key, or one shard could not answer it alone.
    /// </summary>
    [Fact]
    public async Task HotPathStatementsFilterByTheirTablesDistributionKey()
    {
        var (chat, _) = await ChatAsync();
        using (_sql.Record(out var commands))
        {
            // A cold cache: a fresh caller, so authorization is read from the database too.
            var admin = await BearerAsync(App, chat.Admin);
            await (await admin.PostAsJsonAsync(chat.Messages, new { content = "one", nonce = "n-1" })).AssertStatusAsync(HttpStatusCode.Created);
            await (await admin.PostAsJsonAsync(chat.Messages, new { content = "one", nonce = "n-1" })).AssertStatusAsync(HttpStatusCode.OK);
            await (await admin.GetAsync(chat.Messages + "?limit=10")).AssertStatusAsync(HttpStatusCode.OK);
            var statements = commands.Where(c => !c.Contains("users", StringComparison.Ordinal) || c.Contains("messages", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(statements);
            foreach (var sql in commands)
            {
                if (Touches(sql, "messages")) Assert.True(Filters(sql, "channel_id"), "messages without channel_id:\n" + sql);
                if (Touches(sql, "members")) Assert.True(Filters(sql, "server_id"), "members without server_id:\n" + sql);
            }
        }
    }

    // PostgreSQL's SQL names tables bare, SQLite's in quotes.
    private static bool Statement(string sql, string verb, string table) => Regex.IsMatch(sql, $@"{verb}\s+""?{table}""?\b");

    private static bool Touches(string sql, string table) => Regex.IsMatch(sql, $@"(FROM|JOIN|INTO|UPDATE)\s+""?{table}""?\b", RegexOptions.IgnoreCase);
    private static bool Filters(string sql, string column) => sql.Contains(column, StringComparison.Ordinal);

    /// <summary>A client of <paramref name="app"/> holding an access token of <paramref name="user"/>.</summary>
    internal static async Task<HttpClient> BearerAsync(WebApplicationFactory<Program> app, TestUser user)
    {
        var http = app.CreateClient();
        var token = await http.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password });
        await token.AssertStatusAsync(HttpStatusCode.OK);
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    public void Dispose()
    {
        _recorded?.Dispose();
        _app.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class CacheTestsOnPostgres() : CacheTests(Backend.Postgres)
{
    /// <summary>Two nodes on one database and one Redis: a kick on one is refused on the other at the very next request.</summary>
    [Fact]
    public async Task AKickOnOneNodeIsRefusedByTheNextRequestOnAnother()
    {
        using var a = new ConcordApp(Backend.Postgres, new Dictionary<string, string?> { ["Snowflake:WorkerId"] = "1" });
        using var b = new ConcordApp(Backend.Postgres, new Dictionary<string, string?> { ["Snowflake:WorkerId"] = "2" }, reuseDatabaseOf: a.DatabaseName);
        var chat = await a.CreateChatAsync();
        var ownerOnA = await BearerAsync(a, chat.Owner);
        var memberOnB = await BearerAsync(b, chat.Member);
        // Node B caches the member's role (and the channel) with a first send.
        await (await memberOnB.PostAsJsonAsync(chat.Messages, new { content = "before" })).AssertStatusAsync(HttpStatusCode.Created);

        await (await ownerOnA.DeleteAsync($"/api/servers/{chat.ServerId}/members/{chat.Member.UserId()}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await memberOnB.PostAsJsonAsync(chat.Messages, new { content = "after" })).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task JoinRoleChangeAndRenameOnOneNodeAreSeenAtOnceOnAnother()
    {
        using var a = new ConcordApp(Backend.Postgres, new Dictionary<string, string?> { ["Snowflake:WorkerId"] = "1" });
        using var b = new ConcordApp(Backend.Postgres, new Dictionary<string, string?> { ["Snowflake:WorkerId"] = "2" }, reuseDatabaseOf: a.DatabaseName);
        var chat = await a.CreateChatAsync();
        var outsiderOnA = await BearerAsync(a, chat.Outsider);
        var outsiderOnB = await BearerAsync(b, chat.Outsider);
        var ownerOnA = await BearerAsync(a, chat.Owner);

        // B learns (and caches) that the outsider is no member; the join on A makes B let them in at once.
        await (await outsiderOnB.GetAsync(chat.Messages)).AssertProblemAsync(HttpStatusCode.NotFound);
        var server = await (await ownerOnA.GetAsync($"/api/servers/{chat.ServerId}")).Content.ReadFromJsonAsync<JsonElement>();
        await (await outsiderOnA.PostAsJsonAsync("/api/servers/join", new { inviteCode = server.GetProperty("inviteCode").GetString() })).AssertStatusAsync(HttpStatusCode.OK);
        await (await outsiderOnB.GetAsync(chat.Messages)).AssertStatusAsync(HttpStatusCode.OK);

        // A plain member may not delete another's message on B; promoted on A, they may at once.
        var sent = await (await ownerOnA.PostAsJsonAsync(chat.Messages, new { content = "owner's" })).Content.ReadFromJsonAsync<JsonElement>();
        var messageId = sent.GetProperty("id").GetString();
        await (await outsiderOnB.DeleteAsync($"/api/messages/{messageId}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await ownerOnA.PatchAsJsonAsync($"/api/servers/{chat.ServerId}/members/{chat.Outsider.UserId()}", new { role = "admin" })).AssertStatusAsync(HttpStatusCode.OK);
        await (await outsiderOnB.DeleteAsync($"/api/messages/{messageId}")).AssertStatusAsync(HttpStatusCode.NoContent);

        // A rename on A shows on the next message sent through B (the author summary is cached on B).
        await (await outsiderOnB.PostAsJsonAsync(chat.Messages, new { content = "as before" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await outsiderOnA.PatchAsJsonAsync("/api/auth/profile", new { displayName = "Renamed" })).AssertStatusAsync(HttpStatusCode.OK);
        var renamed = await (await outsiderOnB.PostAsJsonAsync(chat.Messages, new { content = "renamed" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Renamed", renamed.GetProperty("author").GetProperty("displayName").GetString());
    }
}

public sealed class CacheTestsOnSqlite() : CacheTests(Backend.Sqlite);
