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
    // No list for the usual packet without binary attachments.
    private readonly List<ReadOnlyMemory<byte>>? _attachments = attachmentCount == 0 ? null : new(attachmentCount);

    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments => (IReadOnlyList<ReadOnlyMemory<byte>>?)_attachments ?? [];

    public void AddAttachment(ReadOnlyMemory<byte> attachment) => _attachments!.Add(attachment);
}
