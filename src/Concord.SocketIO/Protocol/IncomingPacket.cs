using System.Buffers;
using System.Text.Json;

namespace Concord.SocketIO.Protocol;

/// <summary>A decoded client packet; binary attachments already collected.</summary>
internal sealed class IncomingPacket(PacketType type, string nsp, long? id, JsonElement? data, int attachmentCount)
{
    private JsonDocument? _document;
    private byte[]? _json;

    /// <summary>
    /// An event whose <see cref="Data"/> lives in a pooled document (the JSON copied once into a rented
    /// buffer, the parse metadata rented too) rather than in a private clone; <see cref="Release"/> gives both back.
    /// </summary>
    public IncomingPacket(PacketType type, string nsp, long? id, JsonDocument document, byte[] json, int attachmentCount)
        : this(type, nsp, id, document.RootElement, attachmentCount)
    {
        _document = document;
        _json = json;
    }

    public PacketType Type { get; } = type;
    public string Namespace { get; } = nsp;
    public long? Id { get; } = id;
    public JsonElement? Data { get; } = data;
    public int AttachmentCount { get; } = attachmentCount;
    // No list for the usual packet without binary attachments.
    private readonly List<ReadOnlyMemory<byte>>? _attachments = attachmentCount == 0 ? null : new(attachmentCount);

    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments => (IReadOnlyList<ReadOnlyMemory<byte>>?)_attachments ?? [];

    public void AddAttachment(ReadOnlyMemory<byte> attachment) => _attachments!.Add(attachment);

    /// <summary>Makes this pooled binary event's placeholders re-emittable with their bytes until <see cref="Release"/>.</summary>
    public void RegisterBinary()
    {
        if (_document is null || _attachments is null) return;
        ReceivedBinary.Register(_document.RootElement, _attachments);
        _registered = true;
    }

    private bool _registered;

    /// <summary>Returns a pooled document's buffers; its elements throw <see cref="ObjectDisposedException"/> after.</summary>
    public void Release()
    {
        var document = Interlocked.Exchange(ref _document, null);
        if (document is null) return;
        if (_registered) ReceivedBinary.Unregister(document.RootElement, _attachments!);
        document.Dispose();
        ArrayPool<byte>.Shared.Return(_json!);
        _json = null;
    }
}
