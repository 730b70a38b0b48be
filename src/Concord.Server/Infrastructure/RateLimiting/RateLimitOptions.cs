namespace Concord.Server.Infrastructure.RateLimiting;

/// <summary>A limit: <see cref="PermitLimit"/> requests per fixed <see cref="Window"/>, the window starting at the first request.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }

    public override string ToString() => $"{PermitLimit} per {Window}";
}

/// <summary>
/// Rate-limit settings (section <c>RateLimiting</c>). Counters live in Redis when <c>Redis:ConnectionString</c> is set
/// (every node shares them), in-process otherwise.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>False switches every limit off (load tests, benchmarks).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Per client IP, on register, login and token.</summary>
    public RateLimitRule Auth { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Per client IP, on new real-time sessions (Engine.IO handshakes; requests of an open session are not counted).</summary>
    public RateLimitRule Handshakes { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Per signed-in user, over every authenticated API request.</summary>
    public RateLimitRule Api { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Per user and channel (or conversation), on message sends.</summary>
    public RateLimitRule MessagesPerChannel { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromSeconds(5) };

    /// <summary>Per user over all channels and conversations, on message sends.</summary>
    public RateLimitRule Messages { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    internal void Validate()
    {
        foreach (var (name, rule) in new[] { (nameof(Auth), Auth), (nameof(Handshakes), Handshakes), (nameof(Api), Api), (nameof(MessagesPerChannel), MessagesPerChannel), (nameof(Messages), Messages) })
        {
            if (rule.PermitLimit < 1 || rule.Window < TimeSpan.FromSeconds(1))
                throw new InvalidOperationException($"{Section}:{name} needs PermitLimit >= 1 and Window >= 00:00:01 (got {rule}).");
        }
    }
}
