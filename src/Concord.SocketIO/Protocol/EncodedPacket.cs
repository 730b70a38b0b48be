namespace Concord.SocketIO.Protocol;

/// <summary>
/// A Socket.IO packet encoded for the wire: the Engine.IO text message (its <c>4</c> type digit
/// included) and the binary attachments that follow it. A broadcast is encoded once and this
/// same instance is queued for every recipient, so it must never be mutated.
/// </summary>
public sealed class EncodedPacket(ReadOnlyMemory<byte> text, ReadOnlyMemory<byte>[] attachments)
{
    /// <summary>The Engine.IO text message as UTF-8 (e.g. <c>42["hello",1]</c>).</summary>
    public ReadOnlyMemory<byte> Text { get; } = text;

    /// <summary>Binary attachments sent after <see cref="Text"/>, in placeholder order.</summary>
    public ReadOnlyMemory<byte>[] Attachments { get; } = attachments;
}
