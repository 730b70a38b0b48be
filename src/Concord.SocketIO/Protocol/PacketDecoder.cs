using System.Buffers;
using System.Text;
using System.Text.Json;
using Concord.SocketIO.EngineIO;

namespace Concord.SocketIO.Protocol;

/// <summary>
/// Decodes client packets as socket.io-parser does, byte for byte, straight from the UTF-8
/// receive buffer. Stateful per connection: a binary packet waits for its attachments.
/// </summary>
internal sealed class PacketDecoder
{
    // Bounds the work one packet can cause; real clients send a handful of buffers per event.
    private const int MaxAttachments = 1000;

    private static readonly string[] ReservedEvents =
        ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    private IncomingPacket? _pending;

    /// <summary>Returns the packet once complete, null while attachments are still expected.</summary>
    public IncomingPacket? Add(EngineIOMessage message)
    {
        if (message.IsBinary)
        {
            if (_pending is null) throw new ProtocolException("got binary data when not reconstructing a packet");
            _pending.AddAttachment(message.Data.ToArray());
            if (_pending.Attachments.Count < _pending.AttachmentCount) return null;
            var complete = _pending;
            _pending = null;
            if (complete.Data is { } data)
            {
                try { ValidatePlaceholders(data, complete.AttachmentCount); }
                catch { complete.Release(); throw; }
                complete.RegisterBinary();
            }
            return complete;
        }
        if (_pending is not null) throw new ProtocolException("got plaintext data when reconstructing a packet");
        var packet = Decode(message.Data.Span);
        if (packet.AttachmentCount == 0) return packet;
        _pending = packet;
        return null;
    }

    public static IncomingPacket Decode(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) throw new ProtocolException("empty packet");
        var typeDigit = s[0] - '0';
        if (typeDigit is < 0 or > 6) throw new ProtocolException("unknown packet type");
        var type = (PacketType)typeDigit;
        var i = 1;

        var attachments = 0;
        if (type is PacketType.BinaryEvent or PacketType.BinaryAck)
        {
            var dash = s[i..].IndexOf((byte)'-');
            if (dash <= 0 || !TryParseDigits(s.Slice(i, dash), out var count) || count > MaxAttachments)
                throw new ProtocolException("illegal attachments");
            attachments = (int)count;
            i += dash + 1;
        }

        var nsp = "/";
        if (i < s.Length && s[i] == '/')
        {
            var comma = s[i..].IndexOf((byte)',');
            var end = comma < 0 ? s.Length : i + comma;
            nsp = Encoding.UTF8.GetString(s[i..end]);
            i = comma < 0 ? end : end + 1;
        }

        long? id = null;
        var digits = 0;
        while (i + digits < s.Length && char.IsAsciiDigit((char)s[i + digits])) digits++;
        if (digits > 0)
        {
            if (!TryParseDigits(s.Slice(i, digits), out var ackId)) throw new ProtocolException("invalid ack id");
            id = ackId;
            i += digits;
        }

        if (i < s.Length && type is PacketType.Event or PacketType.BinaryEvent) return DecodeEvent(type, nsp, id, s[i..], attachments);

        JsonElement? data = null;
        if (i < s.Length)
        {
            data = ParseJson(s[i..]);
            if (!IsPayloadValid(type, data.Value)) throw new ProtocolException("invalid payload");
        }
        else if (type is PacketType.Event or PacketType.BinaryEvent or PacketType.Ack or PacketType.BinaryAck)
        {
            throw new ProtocolException("invalid payload");
        }
        return new IncomingPacket(type, nsp, id, data, attachments);
    }

    // An event's arguments are read by its handlers only (their contract: while they run), so they are parsed
    // into a pooled document released when the handlers finish, instead of a private copy per event.
    private static IncomingPacket DecodeEvent(PacketType type, string nsp, long? id, ReadOnlySpan<byte> json, int attachments)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(buffer);
        JsonDocument document;
        try { document = JsonDocument.Parse(buffer.AsMemory(0, json.Length)); }
        catch (JsonException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new ProtocolException("invalid JSON");
        }
        var packet = new IncomingPacket(type, nsp, id, document, buffer, attachments);
        if (!IsPayloadValid(type, document.RootElement))
        {
            packet.Release();
            throw new ProtocolException("invalid payload");
        }
        return packet;
    }

    private static JsonElement ParseJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            var element = JsonElement.ParseValue(ref reader);
            if (reader.Read()) throw new ProtocolException("trailing data");
            return element;
        }
        catch (JsonException) { throw new ProtocolException("invalid JSON"); }
    }

    private static bool IsPayloadValid(PacketType type, JsonElement payload) => type switch
    {
        PacketType.Connect => payload.ValueKind == JsonValueKind.Object,
        PacketType.Disconnect => false,
        PacketType.ConnectError => payload.ValueKind is JsonValueKind.Object or JsonValueKind.String,
        PacketType.Event or PacketType.BinaryEvent => payload.ValueKind == JsonValueKind.Array
            && payload.GetArrayLength() > 0
            && payload[0] is var name
            && (name.ValueKind == JsonValueKind.Number
                || (name.ValueKind == JsonValueKind.String && !IsReserved(name))),
        PacketType.Ack or PacketType.BinaryAck => payload.ValueKind == JsonValueKind.Array,
        _ => false,
    };

    // Compares in place: GetString() would allocate the event name once more for every event.
    private static bool IsReserved(JsonElement name)
    {
        foreach (var reserved in ReservedEvents)
            if (name.ValueEquals(reserved)) return true;
        return false;
    }

    private static void ValidatePlaceholders(JsonElement element, int count)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) ValidatePlaceholders(item, count);
                break;
            case JsonValueKind.Object:
                if (Placeholders.TryGetIndex(element, out var index))
                {
                    if (index < 0 || index >= count) throw new ProtocolException("illegal attachments");
                    break;
                }
                foreach (var property in element.EnumerateObject()) ValidatePlaceholders(property.Value, count);
                break;
        }
    }

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 15) return false;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit((char)c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
