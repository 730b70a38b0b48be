using System.Text.Json;

namespace Concord.SocketIO.Protocol;

/// <summary>A decoded client packet; binary attachments already collected.</summary>
internal sealed class IncomingPacket(PacketType type, string nsp, long? id, JsonElement? data, int attachmentCount)
{
    public PacketType Type { get; } = type;
    public string Namespace { get; } = nsp;
    public long? Id { get; } = id;
    public JsonElement? Data { get; } = data;
    public int AttachmentCount { get; } = attachmentCount;
    public List<ReadOnlyMemory<byte>> Attachments { get; } = new(attachmentCount);
}
