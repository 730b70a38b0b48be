namespace Concord.Server.Infrastructure.Outbox;

/// <summary>The outbox relay (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// An event row still there this long after it was written is taken to be left behind by a node that died between
    /// commit and publish, and is published by the relay. Longer than a normal commit-to-publish; shorter than a user waits.
    /// </summary>
    public TimeSpan RelayAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often each node's relay looks for left-behind rows.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows one relay pass publishes at most.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Test-only fault hook: commit the event row but skip the immediate publish, as if the node died right after the
    /// commit, so tests can prove the relay delivers it. Never set in production.
    /// </summary>
    public bool SkipImmediatePublishForTests { get; set; }

    public void Validate()
    {
        if (RelayAfter <= TimeSpan.Zero) throw new InvalidOperationException("Outbox:RelayAfter must be positive.");
        if (RelayInterval <= TimeSpan.Zero) throw new InvalidOperationException("Outbox:RelayInterval must be positive.");
        if (BatchSize < 1) throw new InvalidOperationException("Outbox:BatchSize must be at least 1.");
    }
}
