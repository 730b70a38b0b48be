namespace Concord.SocketIO.Adapters.Redis;

/// <summary>
/// Every Redis key and channel the adapter uses for one namespace, built in one place
/// (like SignalR's RedisChannels). With the default prefix, namespace "/" uses
/// <c>socket.io#/#</c> for operations and <c>socket.io-response#/#{node}#</c> for answers.
/// </summary>
internal sealed class RedisChannels(string prefix, string nsp)
{
    /// <summary>All operations of the namespace (broadcasts, joins, leaves, disconnects, fetch requests): one channel keeps them in order.</summary>
    public string Operations { get; } = $"{prefix}#{nsp}#";

    /// <summary>Answers to the fetch requests of one node.</summary>
    public string Response(string nodeId) => $"{prefix}-response#{nsp}#{nodeId}#";

    /// <summary>The stream of broadcast packets kept for connection-state recovery; entry ids are the offsets.</summary>
    public string Stream { get; } = $"{prefix}-stream#{nsp}";

    /// <summary>A dropped session waiting to be recovered, by private id.</summary>
    public string Session(string pid) => $"{prefix}-session#{nsp}#{pid}";
}
