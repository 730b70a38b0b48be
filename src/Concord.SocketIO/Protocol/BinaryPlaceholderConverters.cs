using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concord.SocketIO.Protocol;

/// <summary>
/// Writes binary values (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c>) as
/// attachment placeholders while <see cref="PacketEncoder"/> is encoding, at any depth of the
/// arguments, as socket.io-parser's deconstructPacket does. Outside the encoder they fall back
/// to base64 so the same options stay usable elsewhere.
/// </summary>
internal static class BinaryPlaceholderConverters
{
    [ThreadStatic] private static List<ReadOnlyMemory<byte>>? t_capture;

    public static List<ReadOnlyMemory<byte>>? Capture
    {
        get => t_capture;
        set => t_capture = value;
    }

    public static JsonSerializerOptions AddTo(JsonSerializerOptions options)
    {
        var copy = new JsonSerializerOptions(options);
        copy.Converters.Insert(0, new ByteArrayConverter());
        copy.Converters.Insert(0, new ReadOnlyMemoryConverter());
        copy.Converters.Insert(0, new MemoryConverter());
        copy.Converters.Insert(0, new JsonElementConverter());
        copy.MakeReadOnly(populateMissingResolver: true);
        return copy;
    }

    internal static void WriteBinary(Utf8JsonWriter writer, ReadOnlyMemory<byte> value) => Write(writer, value);

    private static void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value)
    {
        if (t_capture is not { } capture)
        {
            writer.WriteBase64StringValue(value.Span);
            return;
        }
        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder", true);
        writer.WriteNumber("num", capture.Count);
        writer.WriteEndObject();
        capture.Add(value);
    }

    /// <summary>A received element re-emitted keeps its binary attachments (see <see cref="ReceivedBinary"/>).</summary>
    private sealed class JsonElementConverter : JsonConverter<JsonElement>
    {
        public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => JsonElement.ParseValue(ref reader);

        public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options)
        {
            // Outside the encoder, or with no binary event being handled, an element is written as it is.
            if (t_capture is null || ReceivedBinary.IsEmpty) value.WriteTo(writer);
            else ReceivedBinary.Write(writer, value, options);
        }
    }

    private sealed class ByteArrayConverter : JsonConverter<byte[]>
    {
        public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetBytesFromBase64();
        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => BinaryPlaceholderConverters.Write(writer, value);
    }

    private sealed class ReadOnlyMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetBytesFromBase64();
        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) => BinaryPlaceholderConverters.Write(writer, value);
    }

    private sealed class MemoryConverter : JsonConverter<Memory<byte>>
    {
        public override Memory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetBytesFromBase64();
        public override void Write(Utf8JsonWriter writer, Memory<byte> value, JsonSerializerOptions options) => BinaryPlaceholderConverters.Write(writer, value);
    }
}
