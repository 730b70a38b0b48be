using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Concord.SocketIO.Protocol;

/// <summary>
/// Encodes server packets into their final wire bytes once (Engine.IO <c>4</c> prefix included),
/// with binary values lifted out as attachments.
/// </summary>
internal static class PacketEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>An EVENT; <paramref name="offset"/> is appended as the last argument for connection-state recovery.</summary>
    // The payload writers are static lambdas over a state tuple: a closure and a delegate per packet (~90 bytes for
    // every event and every ack, measured as allocation per delivery) would otherwise be made for each call.
    public static EncodedPacket Event(string nsp, string name, object?[] args, long? ackId, JsonSerializerOptions json, string? offset = null) =>
        Build(PacketType.Event, nsp, ackId, (name, args, json, offset), static (writer, s) =>
        {
            writer.WriteStartArray();
            writer.WriteStringValue(s.name);
            WriteArgs(writer, s.args, s.json);
            if (s.offset is not null) writer.WriteStringValue(s.offset);
            writer.WriteEndArray();
        });

    public static EncodedPacket Ack(string nsp, long ackId, object?[] args, JsonSerializerOptions json) =>
        Build(PacketType.Ack, nsp, ackId, (args, json), static (writer, s) =>
        {
            writer.WriteStartArray();
            WriteArgs(writer, s.args, s.json);
            writer.WriteEndArray();
        });

    /// <summary>A CONNECT answer; <paramref name="pid"/> (connection-state recovery's private session id) is sent when given.</summary>
    public static EncodedPacket Connect(string nsp, string sid, JsonSerializerOptions json, string? pid = null) =>
        Build(PacketType.Connect, nsp, null, (sid, pid), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteString("sid", s.sid);
            if (s.pid is not null) writer.WriteString("pid", s.pid);
            writer.WriteEndObject();
        });

    public static EncodedPacket ConnectError(string nsp, string message, object? data, JsonSerializerOptions json) =>
        Build(PacketType.ConnectError, nsp, null, (message, data, json), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteString("message", s.message);
            if (s.data is not null)
            {
                writer.WritePropertyName("data");
                JsonSerializer.Serialize(writer, s.data, s.data.GetType(), s.json);
            }
            writer.WriteEndObject();
        });

    public static EncodedPacket Disconnect(string nsp, JsonSerializerOptions json) => Build(PacketType.Disconnect, nsp, null, 0, null);

    private static void WriteArgs(Utf8JsonWriter writer, object?[] args, JsonSerializerOptions json)
    {
        foreach (var arg in args)
        {
            if (arg is null) writer.WriteNullValue();
            else JsonSerializer.Serialize(writer, arg, arg.GetType(), json);
        }
    }

    [ThreadStatic] private static List<ReadOnlyMemory<byte>>? t_attachments;

    private static EncodedPacket Build<TState>(PacketType type, string nsp, long? id, TState state, Action<Utf8JsonWriter, TState>? payload)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        // Thread-static scratch, like the buffer and writer: only the final bytes are allocated per packet.
        var attachments = t_attachments ??= [];
        attachments.Clear();
        if (payload is not null)
        {
            var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
            writer.Reset(buffer);
            BinaryPlaceholderConverters.Capture = attachments;
            try
            {
                payload(writer, state);
                writer.Flush();
            }
            finally { BinaryPlaceholderConverters.Capture = null; }
        }

        var binaryCount = attachments.Count;
        if (binaryCount > 0) type = type == PacketType.Ack ? PacketType.BinaryAck : PacketType.BinaryEvent;
        // Header "4<type>[<count>-][<nsp>,][<id>]" written straight into the final array.
        var customNsp = nsp != "/";
        var headerLength = 2
            + (binaryCount > 0 ? DigitCount(binaryCount) + 1 : 0)
            + (customNsp ? Encoding.UTF8.GetByteCount(nsp) + 1 : 0)
            + (id is { } ackIdForLength ? DigitCount(ackIdForLength) : 0);
        var bytes = new byte[headerLength + buffer.WrittenCount];
        bytes[0] = (byte)'4';
        bytes[1] = (byte)('0' + (int)type);
        var at = 2;
        if (binaryCount > 0)
        {
            at += WriteDigits(bytes.AsSpan(at), binaryCount);
            bytes[at++] = (byte)'-';
        }
        if (customNsp)
        {
            at += Encoding.UTF8.GetBytes(nsp, bytes.AsSpan(at));
            bytes[at++] = (byte)',';
        }
        if (id is { } ackId) at += WriteDigits(bytes.AsSpan(at), ackId);
        buffer.WrittenSpan.CopyTo(bytes.AsSpan(at));
        var attached = binaryCount > 0 ? attachments.ToArray() : [];
        attachments.Clear();
        return new EncodedPacket(bytes, attached);
    }

    private static int DigitCount(long value)
    {
        var digits = 1;
        while (value >= 10) { value /= 10; digits++; }
        return digits;
    }

    private static int WriteDigits(Span<byte> destination, long value)
    {
        if (!value.TryFormat(destination, out var written, provider: System.Globalization.CultureInfo.InvariantCulture))
            throw new InvalidOperationException("header buffer too small");
        return written;
    }
}
