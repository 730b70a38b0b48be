namespace Concord.Server.Realtime;

/// <summary>What the gateway keeps on each socket (<c>socket.Data</c>): who it is, and the call it is in.</summary>
public sealed class SocketUser(long userId, string username)
{
    public long UserId { get; } = userId;
    public string Username { get; } = username;
    /// <summary>The call room this socket is in, or null.</summary>
    public string? CallRoom { get; set; }
    public PresenceStatus Status { get; set; } = PresenceStatus.Online;
    /// <summary>This socket's event budget; node-local, so it does not travel with the socket's data.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public EventBudget? Budget { get; set; }
}

public enum PresenceStatus
{
    Offline,
    Idle,
    Online,
}
