using System.Collections;
using System.Text.Json;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO;

/// <summary>
/// Arguments of an incoming event or acknowledgement as JSON, with binary attachments resolved
/// on demand: a Buffer sent by the client is a placeholder element here; <see cref="IsBinary(int)"/> tells it
/// from data and <see cref="GetBytes(int)"/> reads it. Passing a received element (or the whole list) back to
/// <c>Emit</c>/<c>Ack</c> while the event's handlers run sends its binary parts as binary again.
/// </summary>
public sealed class SocketIOArgs : IReadOnlyList<JsonElement>
{
    private readonly JsonElement[] _items;
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _attachments;
    private readonly JsonSerializerOptions _json;

    internal SocketIOArgs(JsonElement array, int skip, IReadOnlyList<ReadOnlyMemory<byte>> attachments, JsonSerializerOptions json)
    {
        _items = array.ValueKind == JsonValueKind.Array ? Copy(array, skip) : [];
        _attachments = attachments;
        _json = json;
    }

    // An exact array, without LINQ's boxed enumerator, Skip iterator and growing buffers (once per event).
    private static JsonElement[] Copy(JsonElement array, int skip)
    {
        var length = array.GetArrayLength() - skip;
        if (length <= 0) return [];
        var items = new JsonElement[length];
        var index = -skip;
        foreach (var item in array.EnumerateArray())
        {
            if (index >= 0) items[index] = item;
            index++;
        }
        return items;
    }

    /// <summary>Number of arguments.</summary>
    public int Count => _items.Length;

    /// <summary>The argument at <paramref name="index"/>.</summary>
    public JsonElement this[int index] => _items[index];

    /// <summary>The binary attachments, in placeholder order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments => _attachments;

    /// <summary>Whether the argument at <paramref name="index"/> is binary (a Buffer, ArrayBuffer or typed array the client sent), not JSON data.</summary>
    public bool IsBinary(int index) => IsBinary(_items[index]);

    /// <summary>Whether <paramref name="element"/> (at any depth of an argument) stands for one of this packet's binary attachments.</summary>
    public bool IsBinary(JsonElement element) => Placeholders.TryGetIndex(element, out var num) && num >= 0 && num < _attachments.Count;

    /// <summary>
    /// The bytes of a binary argument. Throws <see cref="InvalidOperationException"/> when it is not binary (a string,
    /// even one that looks like base64, is data: read it with <see cref="Get{T}"/>). The bytes are the packet's own
    /// copy and stay valid after the handler.
    /// </summary>
    public ReadOnlyMemory<byte> GetBytes(int index) => GetBytes(_items[index]);

    /// <summary>The bytes a binary element (at any depth of an argument) stands for; throws <see cref="InvalidOperationException"/> for any other element.</summary>
    public ReadOnlyMemory<byte> GetBytes(JsonElement element) =>
        Placeholders.TryGetIndex(element, out var num) && num >= 0 && num < _attachments.Count
            ? _attachments[num]
            : throw new InvalidOperationException("The argument is not binary.");

    /// <summary>Deserializes the argument at <paramref name="index"/> with the server's JSON options.</summary>
    public T? Get<T>(int index) => _items[index].Deserialize<T>(_json);

    /// <inheritdoc />
    public IEnumerator<JsonElement> GetEnumerator() => ((IEnumerable<JsonElement>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
