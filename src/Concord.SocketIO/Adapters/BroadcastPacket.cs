using System.Text.Json;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO.Adapters;

/// <summary>
/// An event to broadcast, not yet encoded. The adapter encodes it exactly once, which lets a
/// session-aware adapter stamp it with an offset first (connection-state recovery appends the
/// offset as the last argument, as Socket.IO 4.6 does) and a Redis adapter publish the bytes.
/// </summary>
public sealed class BroadcastPacket
{
    private readonly JsonSerializerOptions _json;

    internal BroadcastPacket(string nsp, string eventName, object?[] args, JsonSerializerOptions json)
    {
        Namespace = nsp;
        EventName = eventName;
        Args = args;
        _json = json;
    }

    /// <summary>The namespace the event belongs to.</summary>
    public string Namespace { get; }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The event arguments, as given to <c>Emit</c>.</summary>
    public IReadOnlyList<object?> Args { get; }

    /// <summary>Encodes the packet for the wire; <paramref name="offset"/>, when given, travels as the last argument.</summary>
    public EncodedPacket Encode(string? offset = null) => PacketEncoder.Event(Namespace, EventName, (object?[])Args, null, _json, offset);
}
