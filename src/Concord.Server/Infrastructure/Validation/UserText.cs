using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concord.Server.Infrastructure.Validation;

/// <summary>
/// The one rule for text a user sends: no NUL and no other C0 control character except tab, line feed and carriage
/// return. PostgreSQL refuses NUL in text (22021), and the other controls have no business in names, messages or
/// emails. It is enforced where text enters, not in each validator: <see cref="UserTextJsonConverter"/> for every
/// string in a JSON body or socket payload, <see cref="UserTextChecks"/> for route values and query strings.
/// </summary>
public static class UserText
{
    public const string Message = "Must not contain control characters (other than tab and line breaks).";

    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    public static bool IsAllowed(ReadOnlySpan<char> text) => !text.ContainsAny(Forbidden);
}

/// <summary>A string that breaks the <see cref="UserText"/> rule; the error handlers turn it into 400 naming the field.</summary>
public sealed class ForbiddenTextException() : JsonException(UserText.Message);

/// <summary>
/// Reads every JSON string through the <see cref="UserText"/> rule. Registered in the serializer options that REST
/// bodies and socket payloads share, so no request type or validator can forget it. Writing is unchanged.
/// </summary>
public sealed class UserTextJsonConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException();
        var value = reader.GetString()!;
        return UserText.IsAllowed(value) ? value : throw new ForbiddenTextException();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
