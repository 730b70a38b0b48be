using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Concord.SocketIO.EngineIO;

namespace Concord.SocketIO.Adapters.Redis;

/// <summary>
/// How a socket crosses Redis (a <c>FetchSockets</c> answer, a persisted session): id, rooms,
/// <c>Data</c> as JSON (the server's serializer options), and the handshake's headers, query,
/// cookies, auth, address, secure flag, url and issue time. The handshake's <c>User</c>
/// (a ClaimsPrincipal) does not cross: remote sockets carry an anonymous one.
/// </summary>
internal sealed class RedisSocketCodec(SocketIONamespace nsp, RedisAdapterOptions options)
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    private JsonSerializerOptions Json => nsp.Server.Options.JsonSerializerOptions;

    public void WriteSocket(FrameWriter writer, RemoteSocket socket)
    {
        writer.String(socket.Id);
        writer.Strings(socket.Rooms);
        WriteData(writer, socket.Data);
        var handshake = socket.Handshake;
        writer.Map(handshake.Headers);
        writer.Map(handshake.Query);
        writer.Map(handshake.Cookies);
        writer.Bytes(Encoding.UTF8.GetBytes(handshake.Auth.GetRawText()));
        writer.NullableString(handshake.Address);
        writer.Bool(handshake.Secure);
        writer.String(handshake.Url);
        writer.Long(handshake.Issued.ToUnixTimeMilliseconds());
    }

    public RemoteSocket ReadSocket(FrameReader reader)
    {
        var id = reader.String();
        var rooms = reader.Strings();
        var data = ReadData(reader);
        var headers = reader.Map(StringComparer.OrdinalIgnoreCase);
        var query = reader.Map(StringComparer.Ordinal);
        var cookies = reader.Map(StringComparer.Ordinal);
        var auth = JsonDocument.Parse(reader.Bytes()).RootElement.Clone();
        var request = new EngineIORequest
        {
            Headers = headers,
            Query = query,
            Cookies = cookies,
            RemoteAddress = reader.NullableString(),
            Secure = reader.Bool(),
            Url = reader.String(),
            Issued = DateTimeOffset.FromUnixTimeMilliseconds(reader.Long()),
            User = Anonymous,
        };
        return new RemoteSocket(nsp, id, new SocketIOHandshake(request, auth), rooms, data);
    }

    public void WriteData(FrameWriter writer, object? data) =>
        writer.Bytes(data is null ? "null"u8 : JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), Json));

    public object? ReadData(FrameReader reader)
    {
        var json = reader.Bytes();
        if (json.Span.SequenceEqual("null"u8)) return null;
        return options.DataType is null
            ? JsonDocument.Parse(json).RootElement.Clone()
            : JsonSerializer.Deserialize(json.Span, options.DataType, Json);
    }
}
