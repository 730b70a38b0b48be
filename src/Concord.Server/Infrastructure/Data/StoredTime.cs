namespace Concord.Server.Infrastructure.Data;

/// <summary>Timestamps at the precision the database keeps (PostgreSQL: microseconds).</summary>
public static class StoredTime
{
    /// <summary>
    /// Now, cut to microseconds: a DTO built in memory from it (as a send builds its event, to write it in the same
    /// batch as the row) equals what later reads return, on both providers.
    /// </summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero);
    }
}
