namespace Concord.Server.Infrastructure.Ids;

/// <summary>Snowflake settings (section <c>Snowflake</c>).</summary>
public sealed class SnowflakeOptions
{
    public const string Section = "Snowflake";

    /// <summary>0–1023, distinct per node so that ids minted on different nodes never collide.</summary>
    public int WorkerId { get; set; }
}

/// <summary>
/// 64-bit time-ordered ids: 41 bits of milliseconds since <see cref="Epoch"/> | 10 bits worker | 12 bits sequence.
/// Lock-free: the whole state lives in one long updated by compare-and-swap.
/// </summary>
public sealed class SnowflakeGenerator
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int WorkerBits = 10;
    private const int SequenceBits = 12;
    private const long MaxSequence = (1L << SequenceBits) - 1;
    public const int MaxWorkerId = (1 << WorkerBits) - 1;

    private readonly long _worker;
    private readonly TimeProvider _time;
    private long _last; // (ms << SequenceBits) | sequence of the last id handed out

    public SnowflakeGenerator(SnowflakeOptions options, TimeProvider? time = null)
    {
        if (options.WorkerId is < 0 or > MaxWorkerId)
            throw new ArgumentOutOfRangeException(nameof(options), $"Snowflake:WorkerId must be 0–{MaxWorkerId}.");
        _worker = options.WorkerId;
        _time = time ?? TimeProvider.System;
    }

    public long Next()
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var now = (_time.GetUtcNow() - Epoch).Ticks / TimeSpan.TicksPerMillisecond;
            var lastMs = last >> SequenceBits;
            long next;
            if (now > lastMs) next = now << SequenceBits;
            else if ((last & MaxSequence) < MaxSequence) next = last + 1; // same ms (or clock went back): keep counting
            else next = (lastMs + 1) << SequenceBits;                      // sequence exhausted: borrow the next ms
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                var ms = next >> SequenceBits;
                return (ms << (WorkerBits + SequenceBits)) | (_worker << SequenceBits) | (next & MaxSequence);
            }
        }
    }

    /// <summary>The smallest id that could have been minted at <paramref name="time"/>: a keyset bound for "since".</summary>
    public static long MinIdAt(DateTimeOffset time) =>
        Math.Max(0, (time - Epoch).Ticks / TimeSpan.TicksPerMillisecond) << (WorkerBits + SequenceBits);

    public static DateTimeOffset TimeOf(long id) => Epoch.AddMilliseconds(id >> (WorkerBits + SequenceBits));
}
