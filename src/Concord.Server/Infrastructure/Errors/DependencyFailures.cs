using Npgsql;
using StackExchange.Redis;

namespace Concord.Server.Infrastructure.Errors;

/// <summary>
/// Tells a dependency outage (PostgreSQL or Redis down, unreachable or too slow) from a bug, so REST answers
/// 503 <c>unavailable</c> and socket acks say the same, instead of a 500.
/// </summary>
public static class DependencyFailures
{
    public const string Database = "database";
    public const string Redis = "redis";

    /// <summary>Seconds a client should wait before retrying (the Retry-After of a 503).</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>"database", "redis", or null when <paramref name="exception"/> is not an outage.</summary>
    public static string? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedisConnectionException or RedisTimeoutException:
                    return Redis;
                case PostgresException pg when IsOutage(pg.SqlState):
                    ClearPools();
                    return Database;
                case PostgresException:
                    return null; // a statement the server refused: a bug or a rule, not an outage
                case NpgsqlException:
                    // No server answer at all: refused, reset or timed out connection.
                    ClearPools();
                    return Database;
            }
        }
        return null;
    }

    /// <summary>Classes 08 (connection exception) and 57P (operator intervention: shutdown, restart), and too many connections.</summary>
    private static bool IsOutage(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("57P", StringComparison.Ordinal) || sqlState == PostgresErrorCodes.TooManyConnections;

    /// <summary>
    /// A restarted PostgreSQL leaves every idle pooled connection dead, and Npgsql finds out one failed query at a
    /// time (npgsql/npgsql#5073). Dropping the idle ones at the first failure makes recovery immediate.
    /// </summary>
    private static void ClearPools() => NpgsqlConnection.ClearAllPools();
}
