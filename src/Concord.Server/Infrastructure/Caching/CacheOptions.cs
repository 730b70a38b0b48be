namespace Concord.Server.Infrastructure.Caching;

/// <summary>The read cache (section <c>Cache</c>): what nearly every request reads and rarely changes.</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>Off: every read goes to the database (for comparisons; the benchmark runs both).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a membership stays cached. Writes invalidate it at once; this bounds a missed invalidation.</summary>
    public TimeSpan MembershipDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long channels (server and type) and user summaries stay cached.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(10);
}
