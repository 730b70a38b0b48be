namespace Concord.Server.Features.Calls;

/// <summary>Voice/video call settings (section <c>Calls</c>).</summary>
public sealed class CallOptions
{
    public const string Section = "Calls";

    /// <summary>STUN URLs handed to clients, e.g. "stun:turn.example.com:3478".</summary>
    public string[] StunUrls { get; set; } = [];

    /// <summary>TURN URLs, e.g. "turn:turn.example.com:3478?transport=udp". Used only with <see cref="TurnSecret"/>.</summary>
    public string[] TurnUrls { get; set; } = [];

    /// <summary>coturn's <c>static-auth-secret</c> (<c>use-auth-secret</c> mode). A secret: set it from the environment.</summary>
    public string? TurnSecret { get; set; }

    /// <summary>How long issued TURN credentials stay valid. A TURN allocation must be refreshed with them, so cover a long call.</summary>
    public TimeSpan TurnCredentialLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Participants per call (mesh topology: each sends to every other).</summary>
    public int MaxParticipants { get; set; } = 8;

    /// <summary>
    /// With Redis, how long a call entry outlives the last renewal by the node holding its socket (renewed every third of
    /// it): after a node crash, its sockets stop counting towards capacity and leave the participant lists within this.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);
}
