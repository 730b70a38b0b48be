namespace Concord.SocketIO.Load;

/// <summary>Lock-free latency histogram: 1 µs buckets below 10 ms, 100 µs buckets up to 60 s.</summary>
internal sealed class Histogram
{
    private const int Fine = 10_000, CoarseStep = 100, Coarse = 600_000;
    private readonly long[] _buckets = new long[Fine + Coarse];
    private long _max;

    public void Record(long micros)
    {
        if (micros < 0) micros = 0;
        var index = micros < Fine ? micros : Math.Min(Fine + (micros - Fine) / CoarseStep, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[index]);
        long max;
        while (micros > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, max) != max) { }
    }

    public long Count => _buckets.Sum();

    public double MaxMs => Volatile.Read(ref _max) / 1000.0;

    /// <summary>The latency in ms below which <paramref name="quantile"/> of the samples fall.</summary>
    public double PercentileMs(double quantile)
    {
        var total = Count;
        if (total == 0) return double.NaN;
        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank) return (i < Fine ? i : Fine + (long)(i - Fine) * CoarseStep) / 1000.0;
        }
        return MaxMs;
    }
}
