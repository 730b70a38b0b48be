using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Concord.SocketIO.Adapters.Redis;

/// <summary>What a message on the operations channel asks the other nodes to do.</summary>
internal enum RedisMessageType : byte
{
    Broadcast = 1,
    AddSockets = 2,
    DelSockets = 3,
    DisconnectSockets = 4,
    FetchRequest = 5,
    FetchResponse = 6,
    Session = 7,
}

/// <summary>
/// Writes the adapter's binary frames: a version byte, the message type, the sender's node id,
/// then the type's fields. Integers are 7-bit varints, strings and byte blocks are
/// length-prefixed (UTF-8 for strings). See the README for each type's layout.
/// </summary>
internal sealed class FrameWriter
{
    public const byte Version = 1;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public FrameWriter(RedisMessageType type, string nodeId)
    {
        Byte(Version);
        Byte((byte)type);
        String(nodeId);
    }

    public void Byte(byte value) => _buffer.Write([value]);

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Int(int value)
    {
        var v = (uint)value;
        Span<byte> span = stackalloc byte[5];
        var n = 0;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[n++] = (byte)v;
        _buffer.Write(span[..n]);
    }

    public void Long(long value)
    {
        Span<byte> span = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(span, value);
        _buffer.Write(span);
    }

    public void String(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Int(count);
        var span = _buffer.GetSpan(count);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(count);
    }

    public void NullableString(string? value)
    {
        Bool(value is not null);
        if (value is not null) String(value);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Int(value.Length);
        _buffer.Write(value);
    }

    public void Strings(IReadOnlyCollection<string> values)
    {
        Int(values.Count);
        foreach (var value in values) String(value);
    }

    public void Map(IReadOnlyDictionary<string, string> values)
    {
        Int(values.Count);
        foreach (var (key, value) in values)
        {
            String(key);
            String(value);
        }
    }

    public void Options(BroadcastOptions options)
    {
        Strings(options.Rooms);
        Strings(options.Except);
    }

    /// <summary>
    /// Optional trailer of a broadcast: a 0 byte and the W3C traceparent. It sits before the offset the stream
    /// script appends (offsets start with a digit, never 0), and is absent when tracing is off.
    /// </summary>
    public void TraceContext(string? traceParent)
    {
        if (traceParent is null) return;
        Byte(0);
        String(traceParent);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}

/// <summary>Reads a frame written by <see cref="FrameWriter"/>; byte blocks are slices of the message, not copies.</summary>
internal sealed class FrameReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    public FrameReader(ReadOnlyMemory<byte> data)
    {
        _data = data;
        if (Byte() != FrameWriter.Version) throw new InvalidDataException("Unknown Redis adapter frame version.");
        Type = (RedisMessageType)Byte();
        NodeId = String();
    }

    public RedisMessageType Type { get; }

    public string NodeId { get; }

    /// <summary>What is left after the fields read so far (the broadcast offset, when the stream stamped one).</summary>
    public ReadOnlySpan<byte> Rest => _data.Span[_position..];

    public byte Byte() => _data.Span[_position++];

    public bool Bool() => Byte() != 0;

    public int Int()
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Byte();
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return (int)result;
        }
        throw new InvalidDataException("Malformed varint in Redis adapter frame.");
    }

    public long Long()
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(_data.Span.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ReadOnlyMemory<byte> Bytes()
    {
        var length = Int();
        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }

    public string String() => Encoding.UTF8.GetString(Bytes().Span);

    public string? NullableString() => Bool() ? String() : null;

    public HashSet<string> Strings()
    {
        var count = Int();
        var set = new HashSet<string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++) set.Add(String());
        return set;
    }

    public Dictionary<string, string> Map(IEqualityComparer<string> comparer)
    {
        var count = Int();
        var map = new Dictionary<string, string>(count, comparer);
        for (var i = 0; i < count; i++) map[String()] = String();
        return map;
    }

    public BroadcastOptions Options() => new(Strings(), Strings(), Local: true);

    /// <summary>Reads the optional trace-context trailer written by <see cref="FrameWriter.TraceContext"/>.</summary>
    public string? TraceContext()
    {
        if (Rest.IsEmpty || Rest[0] != 0) return null;
        Byte();
        return String();
    }
}
