namespace Concord.SocketIO.Adapters.Redis;

/// <summary>Options of <see cref="RedisAdapter"/>.</summary>
public sealed class RedisAdapterOptions
{
    /// <summary>
    /// Prefix of every channel and key; nodes sharing it form one cluster. Default "socket.io"
    /// (channel <c>socket.io#/#</c> for namespace "/").
    /// </summary>
    public string ChannelPrefix { get; set; } = "socket.io";

    /// <summary>How long <c>FetchSockets</c> waits for the other nodes' answers. Default 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The type <c>socket.Data</c> is read back as when it crossed Redis (a remote socket from
    /// <c>FetchSockets</c>, a session recovered from Redis). Data is serialized with the server's
    /// <see cref="SocketIOOptions.JsonSerializerOptions"/>; when this is null it comes back as a
    /// <see cref="System.Text.Json.JsonElement"/>.
    /// </summary>
    public Type? DataType { get; set; }

    /// <summary>Approximate length the recovery stream is trimmed to (<c>XADD … MAXLEN ~</c>). Default 10,000 packets.</summary>
    public int StreamMaxLength { get; set; } = 10_000;
}
