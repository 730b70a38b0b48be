using System.Collections;
using System.Text.Json;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO;

/// <summary>
/// Arguments of an incoming event or acknowledgement as JSON, with binary attachments resolved
/// on demand: a Buffer sent by the client is a placeholder element here, read with <see cref="GetBytes(int)"/>.
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

    /// <summary>The bytes of a binary argument (a placeholder, or a base64 string).</summary>
    public ReadOnlyMemory<byte> GetBytes(int index) => GetBytes(_items[index]);

    /// <summary>The bytes a placeholder element (at any depth) stands for, or a base64 string's bytes.</summary>
    public ReadOnlyMemory<byte> GetBytes(JsonElement element)
    {
        if (Placeholders.TryGetIndex(element, out var num) && num >= 0 && num < _attachments.Count) return _attachments[num];
        if (element.ValueKind == JsonValueKind.String && element.TryGetBytesFromBase64(out var bytes)) return bytes;
        throw new InvalidOperationException("The argument is not binary.");
    }

    /// <summary>Deserializes the argument at <paramref name="index"/> with the server's JSON options.</summary>
    public T? Get<T>(int index) => _items[index].Deserialize<T>(_json);

    /// <inheritdoc />
    public IEnumerator<JsonElement> GetEnumerator() => ((IEnumerable<JsonElement>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
