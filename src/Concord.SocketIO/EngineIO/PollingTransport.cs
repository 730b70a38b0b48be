using System.Buffers;
using System.IO.Pipelines;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// HTTP long-polling: a GET waits for queued packets and returns them joined by the record
/// separator (binary as <c>b</c> + base64); a POST carries client packets in the same format.
/// </summary>
internal static class PollingTransport
{
    private const byte RecordSeparator = 0x1e;
    private const string TextContentType = "text/plain; charset=UTF-8";
    private static readonly ReadOnlyMemory<byte> Ok = "ok"u8.ToArray();

    public static async Task HandshakeAsync(EngineIOServer server, HttpContext context, KeyValuePair<string, string>[] query)
    {
        var socket = server.Open(context, query, "polling");
        server.NotifyConnection(socket);
        var open = server.OpenPacket(socket.Id, canUpgrade: true);
        context.Response.ContentType = TextContentType;
        await context.Response.Body.WriteAsync(open, context.RequestAborted);
    }

    /// <summary>Answers a poll with a lone noop (a poll that arrives just after its client closed the session).</summary>
    public static Task WriteNoopAsync(HttpContext context)
    {
        context.Response.ContentType = TextContentType;
        context.Response.ContentLength = 1;
        return context.Response.Body.WriteAsync("6"u8.ToArray(), context.RequestAborted).AsTask();
    }

    public static async Task PollAsync(EngineIOSocket socket, HttpContext context)
    {
        if (!socket.TryBeginPoll())
        {
            // Two concurrent GETs break the protocol's ordering guarantees.
            await EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
            socket.CloseNow("transport error");
            return;
        }
        var closeAfter = false;
        var writer = new ArrayBufferWriter<byte>(256);
        try
        {
            var reader = socket.Outbound;
            if (!reader.TryPeek(out _) && !socket.Upgrading)
            {
                try { await reader.WaitToReadAsync(context.RequestAborted); }
                catch (OperationCanceledException)
                {
                    socket.CloseNow("transport error");
                    return;
                }
            }
            closeAfter = Drain(socket, writer);
        }
        finally { socket.EndPoll(); }

        context.Response.ContentType = TextContentType;
        context.Response.ContentLength = writer.WrittenCount;
        try { await context.Response.Body.WriteAsync(writer.WrittenMemory, context.RequestAborted); }
        catch (Exception ex) when (ex is OperationCanceledException or IOException) { closeAfter = true; }
        if (closeAfter) socket.CloseNow(socket.CloseReason);
    }

    /// <summary>Writes every queued packet; true when the session must close after this response.</summary>
    private static bool Drain(EngineIOSocket socket, ArrayBufferWriter<byte> writer)
    {
        var reader = socket.Outbound;
        // The close packet travels alone, as the JS server does: the client dispatches packets
        // on a later tick but handles "close" at once, so sharing a payload would hide the others.
        while (!(writer.WrittenCount > 0 && reader.TryPeek(out var next) && next.Kind == OutboundKind.Close)
               && reader.TryRead(out var item))
        {
            switch (item.Kind)
            {
                case OutboundKind.Text:
                    Append(writer, item.Data.Span);
                    break;
                case OutboundKind.Binary:
                    AppendBinary(writer, item.Data.Span);
                    break;
                case OutboundKind.Packet:
                    Append(writer, item.Data.Span);
                    foreach (var attachment in item.Attachments!) AppendBinary(writer, attachment.Span);
                    break;
                case OutboundKind.Noop:
                    Append(writer, "6"u8);
                    break;
                case OutboundKind.Close:
                    Append(writer, "1"u8);
                    return true;
            }
        }
        // A completed queue means the session closed: tell the client, unless the client closed it itself,
        // where the reference answers the waiting poll with a noop. Otherwise an empty answer only happens
        // while upgrading, where a noop releases the client.
        if (reader.IsFinished)
        {
            if (!socket.ClosedByClient) Append(writer, "1"u8);
            else if (writer.WrittenCount == 0)
            {
                Append(writer, "6"u8);
                // This was the poll the close owed a noop to; a later one gets "unknown sid".
                socket.Server.TakeClosedByClient(socket.Id);
            }
            return true;
        }
        if (writer.WrittenCount == 0) Append(writer, "6"u8);
        return false;
    }

    private static void Append(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> packet)
    {
        if (writer.WrittenCount > 0) writer.Write([RecordSeparator]);
        writer.Write(packet);
    }

    private static void AppendBinary(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> data)
    {
        if (writer.WrittenCount > 0) writer.Write([RecordSeparator]);
        var span = writer.GetSpan(1 + Base64Length(data.Length));
        span[0] = (byte)'b';
        System.Buffers.Text.Base64.EncodeToUtf8(data, span[1..], out _, out var written);
        writer.Advance(1 + written);
    }

    private static int Base64Length(int length) => (length + 2) / 3 * 4;

    public static async Task ReceiveAsync(EngineIOSocket socket, HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Protocol v4 sends binary over polling as base64 text only.
            await EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
            socket.CloseNow("transport error");
            return;
        }
        if (!socket.TryBeginPost())
        {
            await EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
            socket.CloseNow("transport error");
            return;
        }
        try
        {
            var body = await ReadBodyAsync(context, socket.Server.Options.MaxPayload);
            if (body is null)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                socket.CloseNow("transport error");
                return;
            }
            await DecodePayloadAsync(socket, body.Value);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            socket.CloseNow("transport error");
            return;
        }
        finally { socket.EndPost(); }

        context.Response.ContentType = "text/html";
        await context.Response.Body.WriteAsync(Ok, context.RequestAborted);
    }

    /// <summary>Reads the body, or returns null when it exceeds the limit.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit) return null;
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    internal static async ValueTask DecodePayloadAsync(EngineIOSocket socket, ReadOnlyMemory<byte> payload)
    {
        while (true)
        {
            var end = payload.Span.IndexOf(RecordSeparator);
            var packet = end < 0 ? payload : payload[..end];
            if (packet.IsEmpty)
            {
                socket.CloseNow("parse error");
                return;
            }
            if (packet.Span[0] == (byte)'b')
            {
                var decoded = DecodeBase64(packet.Span[1..]);
                if (decoded is null) { socket.CloseNow("parse error"); return; }
                await socket.OnPacketAsync(0, decoded, isBinary: true);
            }
            else
            {
                await socket.OnPacketAsync(packet.Span[0], packet[1..], isBinary: false);
            }
            if (end < 0 || !socket.IsOpen) return;
            payload = payload[(end + 1)..];
        }
    }

    private static byte[]? DecodeBase64(ReadOnlySpan<byte> base64)
    {
        var output = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        var status = System.Buffers.Text.Base64.DecodeFromUtf8(base64, output, out _, out var written);
        return status == OperationStatus.Done ? output.AsSpan(0, written).ToArray() : null;
    }
}
