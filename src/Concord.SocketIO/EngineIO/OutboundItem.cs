namespace Concord.SocketIO.EngineIO;

internal enum OutboundKind : byte
{
    /// <summary>An encoded Engine.IO text packet (type digit included).</summary>
    Text,
    /// <summary>A raw binary message.</summary>
    Binary,
    /// <summary>A text packet followed by its binary attachments, kept together so frames never interleave.</summary>
    Packet,
    /// <summary>Releases a pending poll during an upgrade; WebSocket ignores it.</summary>
    Noop,
    /// <summary>Graceful close: everything queued before it is flushed first.</summary>
    Close,
}

/// <summary>
/// One entry of a connection's outbound queue. The byte buffers are shared between every
/// recipient of a broadcast, so nothing downstream may mutate them.
/// </summary>
internal readonly record struct OutboundItem(OutboundKind Kind, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte>[]? Attachments = null)
{
    public static readonly OutboundItem Noop = new(OutboundKind.Noop, default);
    public static readonly OutboundItem Close = new(OutboundKind.Close, default);
    private static readonly ReadOnlyMemory<byte> PingBytes = "2"u8.ToArray();
    public static readonly OutboundItem Ping = new(OutboundKind.Text, PingBytes);
}
