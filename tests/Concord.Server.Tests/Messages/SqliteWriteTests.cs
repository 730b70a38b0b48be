using System.Net;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Messages;

/// <summary>On SQLite, concurrent writers queue in the application's write gate instead of colliding on SQLite's lock.</summary>
public sealed class SqliteWriteTests
{
    [Fact]
    public async Task ThreeHundredConcurrentSendsOnSqliteAllSucceedWithoutEverWaitingOnABusyDatabase()
    {
        // SQLite's own busy handling (Microsoft.Data.Sqlite sleeps and retries) may last at most 1 s here: a send that
        // collided with another writer for longer would fail with "database is locked". The gate leaves it nothing to wait for.
        var file = Path.Combine(Path.GetTempPath(), $"concord_test_sqlw_{Guid.NewGuid():N}.db");
        using var app = new ConcordApp(Backend.Sqlite, new Dictionary<string, string?> { ["ConnectionStrings:Sqlite"] = $"Data Source={file};Default Timeout=1" });
        var users = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.NewUser().RegisterAsync()));
        var server = await (await users[0].PostAsync("/api/servers", new { name = "busy" })).JsonAsync();
        foreach (var user in users.Skip(1))
            await (await user.PostAsync("/api/servers/join", new { inviteCode = server.GetProperty("inviteCode").GetString() })).AssertStatusAsync(HttpStatusCode.OK);
        var detail = await (await users[0].GetAsync($"/api/servers/{server.GetProperty("id").GetString()}")).JsonAsync();
        var channel = detail.GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "text").GetProperty("id").GetString();

        var sends = users.SelectMany(user => Enumerable.Range(0, 30).Select(i => user.PostAsync($"/api/channels/{channel}/messages", new { content = $"m{i}", nonce = $"{user.Id}-{i}" })));
        var responses = await Task.WhenAll(sends);

        foreach (var response in responses) await response.AssertStatusAsync(HttpStatusCode.Created);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        Assert.Equal(300, await db.Messages.CountAsync(m => m.ChannelId == long.Parse(channel!)));
        Assert.True(app.Services.GetRequiredService<SqliteWriteGate>().Waits > 0, "the sends should have queued at the gate");
        Assert.Equal("wal", await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync() is [var mode] ? mode : null);
    }
}
