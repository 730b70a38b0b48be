using System.Text.Json;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Concord.Server.Tests.Realtime;

/// <summary>
/// A recovered socket skips the handshake, so its user's token version is checked again before it is served. Events
/// the client sends meanwhile (the official client flushes its buffer right after reconnecting) wait for that check and
/// are answered — served when the user is still valid, refused when their tokens were revoked — never dropped unacked.
/// The check is held on the database for the test: the version cache is cleared and the users table locked.
/// </summary>
public sealed class GatewayRecoveryTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    [Fact]
    public async Task EventsSentWhileARecoveredSocketIsCheckedAgainWaitForTheCheckAndAreServed()
    {
        var (_, resumed, ack, locked) = await SendWhileTheRecheckWaitsAsync();
        await using var client = resumed;
        await using (locked) await locked.CommitAsync();

        var answer = await ack;
        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
    }

    [Fact]
    public async Task EventsSentWhileARecoveredSocketIsCheckedAgainAreRefusedWhenItsTokensWereRevoked()
    {
        var (user, resumed, ack, locked) = await SendWhileTheRecheckWaitsAsync();
        await using var client = resumed;
        await using (locked)
        {
            // What logout-all does, in the transaction that holds the check back.
            await using var revoke = new NpgsqlCommand("UPDATE users SET token_version = token_version + 1 WHERE id = @id", locked.Connection, locked);
            revoke.Parameters.AddWithValue("id", long.Parse(user.Id, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1, await revoke.ExecuteNonQueryAsync());
            await locked.CommitAsync();
        }

        // Answered before the socket is closed.
        var answer = await ack;
        Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal("unauthorized", answer.GetProperty("error").GetProperty("code").GetString());
    }

    /// <summary>
    /// Connects a recoverable socket, gives it an offset, drops it, then — with the user's version check stuck behind a
    /// lock on the users table — resumes it and sends an acked event. Returns the pending ack and the locking transaction.
    /// </summary>
    private async Task<(TestUser User, GatewayClient Resumed, Task<JsonElement> Ack, NpgsqlTransaction Locked)> SendWhileTheRecheckWaitsAsync()
    {
        var user = await app.NewUser().RegisterAsync();
        var friend = await app.NewUser().RegisterAsync();
        var first = await GatewayClient.ConnectRecoverableAsync(app, user);
        Assert.NotNull(first.Pid);
        // A broadcast to the user's room gives the client an offset to resume from.
        (await friend.PostAsync("/api/conversations", new { userId = user.Id })).EnsureSuccessStatusCode();
        await first.NextEventAsync("conversation-created");
        Assert.NotNull(first.LastOffset);
        first.Drop();

        var connection = new NpgsqlConnection(app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["ConnectionStrings:Postgres"]);
        await connection.OpenAsync();
        var locked = await connection.BeginTransactionAsync();
        await using (var lockUsers = new NpgsqlCommand("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", connection, locked))
            await lockUsers.ExecuteNonQueryAsync();
        app.Services.GetRequiredService<TokenVersionCache>().Clear();

        var resumed = await first.ResumeAsync(app);
        Assert.Equal(first.Sid, resumed.Sid); // recovered: the same socket
        await WaitForTheCheckToBlockAsync(connection);
        var ack = resumed.RequestAsync("join-servers", payloadJson: null);
        Assert.False(ack.IsCompleted);
        await first.DisposeAsync();
        return (user, resumed, ack, locked);
    }

    /// <summary>Until the server's version read waits on our lock (pg_locks), bounded.</summary>
    private static async Task WaitForTheCheckToBlockAsync(NpgsqlConnection connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'users' AND NOT l.granted", connection);
        while ((long)(await waiting.ExecuteScalarAsync(timeout.Token))! == 0)
            await Task.Delay(20, timeout.Token);
    }
}
