using System.Collections.Concurrent;
using System.Text.Json;

namespace Concord.SocketIO.Protocol;

/// <summary>
/// The attachments behind the placeholders of received binary events, while their handlers run, so that a
/// received argument passed back to <c>Emit</c> (<c>socket.Emit("echo", e.Args[0])</c>, or an object holding a
/// Buffer at any depth) goes out with its bytes rather than as a bare <c>{"_placeholder":true,"num":n}</c>.
/// <para>
/// Keyed by the placeholder element itself: a <see cref="JsonElement"/> is its document and position, and the
/// default struct equality compares exactly those two, so an element matches only the packet it was parsed from
/// (documents are never reused: pooled ones are disposed, and a new one is a new object). Entries are added when
/// a binary event is complete and removed when its pooled document is released; plain events cost nothing.
/// </para>
/// </summary>
internal static class ReceivedBinary
{
    private static readonly ConcurrentDictionary<JsonElement, ReadOnlyMemory<byte>> Attachments = new();

    public static bool IsEmpty => Attachments.IsEmpty;

    public static void Register(JsonElement root, IReadOnlyList<ReadOnlyMemory<byte>> attachments) => Walk(root, attachments, add: true);

    public static void Unregister(JsonElement root, IReadOnlyList<ReadOnlyMemory<byte>> attachments) => Walk(root, attachments, add: false);

    public static bool TryGet(JsonElement placeholder, out ReadOnlyMemory<byte> bytes) => Attachments.TryGetValue(placeholder, out bytes);

    private static void Walk(JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments, bool add)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Walk(item, attachments, add);
                break;
            case JsonValueKind.Object when Placeholders.TryGetIndex(element, out var index):
                if (!add) Attachments.TryRemove(element, out _);
                else if (index >= 0 && index < attachments.Count) Attachments[element] = attachments[index];
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Walk(property.Value, attachments, add);
                break;
        }
    }

    /// <summary>Writes <paramref name="element"/>, turning registered placeholders back into attachments of the packet being encoded.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement element, JsonSerializerOptions options)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when TryGet(element, out var bytes):
                BinaryPlaceholderConverters.WriteBinary(writer, bytes);
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, options);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item, options);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
