namespace Concord.Server.Realtime;

/// <summary>What the gateway keeps on each socket (<c>socket.Data</c>): who it is, and the call it is in.</summary>
public sealed class SocketUser(long userId, string username)
{
    public long UserId { get; } = userId;
    public string Username { get; } = username;
    /// <summary>The user's token version at the handshake; a recovered socket is refused once it moved on (revocation).</summary>
    public int TokenVersion { get; init; }
    /// <summary>The call room this socket is in, or null.</summary>
    public string? CallRoom { get; set; }
    /// <summary>Serializes this socket's call changes (join, leave, disconnect); node-local, made by the first call event.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Features.Calls.SerialQueue CallChanges => _callChanges ?? Interlocked.CompareExchange(ref _callChanges, new(), null) ?? _callChanges!;
    private Features.Calls.SerialQueue? _callChanges;
    /// <summary>Who hears this socket's voice state while it is in a call (the server's room, or the conversation's audience); node-local.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string[]? CallAudience { get; set; }
    /// <summary>The call's place as sent in <c>voice-state-update</c>: {channelId, serverId} or {conversationId}. Travels with
    /// the socket's data, so a node that evicts a socket on another node can tell the call.</summary>
    public CallPlace? CallPlace { get; set; }
    public PresenceStatus Status { get; set; } = PresenceStatus.Online;
    /// <summary>This socket's event budget; node-local, so it does not travel with the socket's data.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public EventBudget? Budget { get; set; }
    /// <summary>Services and failure answers for this socket's handlers; node-local.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal GatewayContext? Gateway { get; set; }
    /// <summary>While a recovered socket's user is checked again: true once it is ready, false when it was refused; node-local.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal Task<bool>? Ready { get; set; }
}

/// <summary>Where a call happens: a voice channel of a server, or a conversation.</summary>
public sealed record CallPlace(long? ChannelId, long? ServerId, long? ConversationId);

public enum PresenceStatus
{
    Offline,
    Idle,
    Online,
}

public static class PresenceStatusNames
{
    /// <summary>As on the wire and in member lists: "online", "idle" or "offline".</summary>
    public static string Wire(this PresenceStatus status) => status switch
    {
        PresenceStatus.Online => "online",
        PresenceStatus.Idle => "idle",
        _ => "offline",
    };
}
