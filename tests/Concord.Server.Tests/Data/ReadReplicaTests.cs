using System.Net;
using Concord.Server.Tests.Infrastructure;
using Npgsql;

namespace Concord.Server.Tests.Data;

/// <summary>
/// Read-heavy queries go to a real PostgreSQL streaming replica (started by ./test.sh); permission checks stay on
/// the primary. Replay on the replica is paused to tell the two apart.
/// </summary>
public sealed class ReadReplicaTests
{
    [Fact]
    public async Task MessagePagesComeFromTheReplicaWhilePermissionsComeFromThePrimary()
    {
        var database = "concord_test_replica_" + Guid.NewGuid().ToString("N")[..8];
        using var app = new ConcordApp(Backend.Postgres, new Dictionary<string, string?>
        {
            // The app's commits wait until the replica has applied them, so the setup below reads its own writes.
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres)
            {
                Database = database,
                Options = "-c synchronous_commit=remote_apply",
            }.ConnectionString,
            ["ConnectionStrings:PostgresReadReplica"] = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresReplica) { Database = database }.ConnectionString,
        }, reuseDatabaseOf: database);

        var owner = await app.NewUser().RegisterAsync();
        var member = await app.NewUser().RegisterAsync();
        var server = await (await owner.PostAsync("/api/servers", new { name = "Replicated" })).JsonAsync();
        var serverId = server.GetProperty("id").GetString()!;
        await (await member.PostAsync("/api/servers/join", new { inviteCode = server.GetProperty("inviteCode").GetString() })).AssertStatusAsync(HttpStatusCode.OK);
        var detail = await (await owner.GetAsync($"/api/servers/{serverId}")).JsonAsync();
        var channelId = detail.GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "text").GetProperty("id").GetString()!;
        await (await owner.PostAsync($"/api/channels/{channelId}/messages", new { content = "replicated" })).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(["replicated"], await ContentsAsync(member, channelId));

        await using var replica = new NpgsqlDataSourceBuilder(TestEnvironment.PostgresReplica).Build();
        await using var primary = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = database }.ConnectionString).Build();
        await replica.CreateCommand("SELECT pg_wal_replay_pause()").ExecuteNonQueryAsync();
        try
        {
            // Written on the primary only (this session does not wait for the paused replica).
            await using (var insert = primary.CreateCommand(
                "INSERT INTO messages (id, channel_id, author_id, content, created_at) VALUES ($1, $2, $3, 'primary only', now())"))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = long.MaxValue - 1 });
                insert.Parameters.Add(new NpgsqlParameter { Value = long.Parse(channelId) });
                insert.Parameters.Add(new NpgsqlParameter { Value = long.Parse(owner.Id) });
                await insert.ExecuteNonQueryAsync();
            }
            Assert.Equal(["replicated"], await ContentsAsync(member, channelId));

            // Membership is checked on the primary (through the read cache, which the kick invalidates), not on the
            // paused replica, which still has the member: the member is refused at once.
            await (await owner.DeleteAsync($"/api/servers/{serverId}/members/{member.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
            await (await member.GetAsync($"/api/channels/{channelId}/messages")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        finally
        {
            await replica.CreateCommand("SELECT pg_wal_replay_resume()").ExecuteNonQueryAsync();
        }

        // This commit returns once the replica applied everything before it, the primary-only row included.
        await (await owner.PostAsync($"/api/channels/{channelId}/messages", new { content = "after resume" })).AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(["primary only", "after resume", "replicated"], await ContentsAsync(owner, channelId));
    }

    private static async Task<string[]> ContentsAsync(TestUser user, string channelId)
    {
        var response = await user.GetAsync($"/api/channels/{channelId}/messages");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.JsonAsync()).EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToArray();
    }
}
