using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concord.Server.Infrastructure.Ids;

/// <summary>
/// Every <c>long</c> on the wire is a Snowflake: written as a string (JavaScript numbers lose precision past 2^53),
/// read from a string or a number.
/// </summary>
public sealed class SnowflakeJsonConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetInt64();
        if (reader.TokenType == JsonTokenType.String)
        {
            ReadOnlySpan<byte> span = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
            if (Utf8Parser.TryParse(span, out long value, out var consumed) && consumed == span.Length) return value;
        }
        throw new JsonException("Expected an id (a string of digits).");
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        writer.WriteStringValue(buffer[..written]);
    }
}
