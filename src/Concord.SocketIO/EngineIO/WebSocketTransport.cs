using System.Net.WebSockets;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// WebSocket transport: one receive loop and one writer loop per connection. Text frames carry
/// Engine.IO packets with their type digit; binary frames carry raw binary messages.
/// </summary>
internal static class WebSocketTransport
{
    private static readonly ReadOnlyMemory<byte> ProbeAnswer = "3probe"u8.ToArray();
    private static readonly TimeSpan CloseReplyGrace = TimeSpan.FromSeconds(1);

    public static async Task HandshakeAsync(EngineIOServer server, HttpContext context)
    {
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = server.Open(context, "websocket");
        socket.Enqueue(new OutboundItem(OutboundKind.Text, server.OpenPacket(socket.Id, canUpgrade: false)));
        server.NotifyConnection(socket);
        using var receiver = new MessageReceiver(webSocket, server.Options.MaxHttpBufferSize);
        await RunAsync(socket, webSocket, receiver);
    }

    /// <summary>Probes a new WebSocket for a polling session and, on "5", moves the session onto it.</summary>
    public static async Task UpgradeAsync(EngineIOSocket socket, HttpContext context)
    {
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        using var receiver = new MessageReceiver(webSocket, socket.Server.Options.MaxHttpBufferSize);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(socket.ClosedToken);
        timeout.CancelAfter(socket.Server.Options.UpgradeTimeout);
        try
        {
            var probe = await receiver.ReceiveAsync(timeout.Token);
            if (probe.Kind != ReceivedKind.Text || !probe.Data.Span.SequenceEqual("2probe"u8)) return;
            await webSocket.SendAsync(ProbeAnswer, WebSocketMessageType.Text, true, timeout.Token);
            socket.BeginUpgrade();
            var upgrade = await receiver.ReceiveAsync(timeout.Token);
            if (upgrade.Kind != ReceivedKind.Text || !upgrade.Data.Span.SequenceEqual("5"u8))
            {
                socket.Upgrading = false;
                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            socket.Upgrading = false;
            return;
        }
        if (socket.ClosedToken.IsCancellationRequested) return;
        socket.CompleteUpgrade();
        await RunAsync(socket, webSocket, receiver);
    }

    private static async Task RunAsync(EngineIOSocket socket, WebSocket webSocket, MessageReceiver receiver)
    {
        using var abort = new CancellationTokenSource();
        var writer = WriteLoopAsync(socket, webSocket);
        var receive = ReceiveLoopAsync(socket, receiver, abort.Token);
        if (await Task.WhenAny(receive, socket.Completion) == receive)
        {
            var (reason, status) = await receive;
            socket.CloseNow(reason);
            await writer;
            if (status is { } closeStatus) await TryCloseOutputAsync(webSocket, closeStatus);
            return;
        }
        // Closed from elsewhere (ping timeout, parse error, server close): say goodbye with a close
        // frame, as the JS server does, and give the client a moment to answer it.
        await writer;
        await TryCloseOutputAsync(webSocket, WebSocketCloseStatus.NormalClosure);
        abort.CancelAfter(CloseReplyGrace);
        await receive;
    }

    private static async Task TryCloseOutputAsync(WebSocket webSocket, WebSocketCloseStatus status)
    {
        if (webSocket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try { await webSocket.CloseOutputAsync(status, null, CancellationToken.None); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException) { }
    }

    /// <summary>Reads until the client closes; once the session is closed, messages are read and dropped.</summary>
    private static async Task<(string Reason, WebSocketCloseStatus? Status)> ReceiveLoopAsync(
        EngineIOSocket socket, MessageReceiver receiver, CancellationToken abort)
    {
        while (true)
        {
            (ReceivedKind Kind, ReadOnlyMemory<byte> Data) message;
            try { message = await receiver.ReceiveAsync(abort); }
            catch (OperationCanceledException) { return ("forced close", null); }
            catch (Exception ex) when (ex is WebSocketException or IOException) { return ("transport close", null); }

            switch (message.Kind)
            {
                case ReceivedKind.Close:
                    return socket.IsClosing ? (socket.CloseReason, null) : ("transport close", WebSocketCloseStatus.NormalClosure);
                case ReceivedKind.TooBig:
                    return ("transport error", WebSocketCloseStatus.MessageTooBig);
                case ReceivedKind.Binary:
                    await socket.OnPacketAsync(0, message.Data, isBinary: true);
                    break;
                case ReceivedKind.Text when message.Data.IsEmpty:
                    return ("parse error", WebSocketCloseStatus.ProtocolError);
                default:
                    await socket.OnPacketAsync(message.Data.Span[0], message.Data[1..], isBinary: false);
                    break;
            }
        }
    }

    private static async Task WriteLoopAsync(EngineIOSocket socket, WebSocket webSocket)
    {
        var reader = socket.Outbound;
        var token = socket.ClosedToken;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                while (reader.TryRead(out var item))
                {
                    if (token.IsCancellationRequested) return;
                    switch (item.Kind)
                    {
                        case OutboundKind.Text:
                            await webSocket.SendAsync(item.Data, WebSocketMessageType.Text, true, token);
                            break;
                        case OutboundKind.Binary:
                            await webSocket.SendAsync(item.Data, WebSocketMessageType.Binary, true, token);
                            break;
                        case OutboundKind.Packet:
                            await webSocket.SendAsync(item.Data, WebSocketMessageType.Text, true, token);
                            foreach (var attachment in item.Attachments!)
                                await webSocket.SendAsync(attachment, WebSocketMessageType.Binary, true, token);
                            break;
                        case OutboundKind.Close:
                            // No abort here: it could drop bytes still in flight. The receive loop ends
                            // on the client's close reply, or the closing deadline ends the session.
                            await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, token);
                            return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            socket.CloseNow("transport error");
        }
    }
}
