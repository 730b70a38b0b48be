using Npgsql;
using NpgsqlTypes;

namespace Concord.Bench;

internal sealed record SeededChannel(long ChannelId, long DeepCursor);

/// <summary>Creates a server, a text channel and a membership row, then bulk-loads the messages with binary COPY.</summary>
internal static class Seeder
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Snowflake layout of the server: ms since 2024 &lt;&lt; 22 | worker &lt;&lt; 12 | sequence. Worker 1023 never clashes with the server's 0.</summary>
    private static long Id(DateTimeOffset at, int sequence) =>
        ((long)(at - Epoch).TotalMilliseconds << 22) | (1023L << 12) | (long)(sequence & 0xFFF);

    public static async Task<SeededChannel> FillAsync(string connectionString, long userId, int total)
    {
        await using var db = await new NpgsqlDataSourceBuilder(connectionString).Build().OpenConnectionAsync();
        // History ends an hour ago so the messages the benchmark posts are newer.
        var start = DateTimeOffset.UtcNow.AddHours(-1).AddMilliseconds(-total);
        var (serverId, channelId) = (Id(start.AddMilliseconds(-2), 0), Id(start.AddMilliseconds(-1), 0));
        await using (var cmd = new NpgsqlCommand(
            """
            INSERT INTO servers (id, name, owner_id, invite_code, created_at) VALUES (@s, 'bench', @u, @code, now());
            INSERT INTO channels (id, server_id, name, type, position, created_at) VALUES (@c, @s, 'general', 'Text', 0, now());
            INSERT INTO members (server_id, user_id, role, joined_at) VALUES (@s, @u, 'Owner', now());
            """, db))
        {
            cmd.Parameters.AddWithValue("s", serverId);
            cmd.Parameters.AddWithValue("c", channelId);
            cmd.Parameters.AddWithValue("u", userId);
            cmd.Parameters.AddWithValue("code", Guid.NewGuid().ToString("N")[..12]);
            await cmd.ExecuteNonQueryAsync();
        }

        long deep = 0;
        await using (var writer = await db.BeginBinaryImportAsync(
            "COPY messages (id, channel_id, author_id, content, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < total; i++)
            {
                var at = start.AddMilliseconds(i);
                var id = Id(at, 0);
                if (i == total / 10) deep = id; // 90% of the history is newer than this
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Bigint);
                await writer.WriteAsync(channelId, NpgsqlDbType.Bigint);
                await writer.WriteAsync(userId, NpgsqlDbType.Bigint);
                await writer.WriteAsync($"message number {i}: some ordinary chat text of ordinary length", NpgsqlDbType.Varchar);
                await writer.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE messages", db)) await analyze.ExecuteNonQueryAsync();
        return new SeededChannel(channelId, deep);
    }
}
