using System.IO.Pipelines;
using System.Net.WebSockets;
using Concord.SocketIO.EngineIO.Detached;
using Microsoft.AspNetCore.Http.Features;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// WebSocket transport: one receive loop and one writer loop per connection. Text frames carry
/// Engine.IO packets with their type digit; binary frames carry raw binary messages.
/// </summary>
internal static class WebSocketTransport
{
    private static readonly ReadOnlyMemory<byte> ProbeAnswer = "3probe"u8.ToArray();
    private static readonly TimeSpan CloseReplyGrace = TimeSpan.FromSeconds(1);
    // Marks a WebSocket that its receive loop finishes (see EngineIOSocket.WebSocketCloser).
    private static readonly object ClosedByReceiveLoop = new();

    // No WebSocket-level keep-alive: Engine.IO's own pings already detect dead peers, and ASP.NET's
    // keep-alive costs a timer per connection.
    private static readonly WebSocketAcceptContext AcceptContext = new() { KeepAliveInterval = TimeSpan.Zero };

    // The framework's RFC 6455 implementation, as ASP.NET's WebSocket middleware creates it (no compression, no subprotocol).
    private static readonly WebSocketCreationOptions DetachedOptions = new() { IsServer = true, KeepAliveInterval = TimeSpan.Zero };

    public static Task HandshakeAsync(EngineIOServer server, HttpContext context, KeyValuePair<string, string>[] query)
    {
        var request = EngineIORequest.From(context, query);
        return DetachedHandshake.FindSlot(context) is { } slot
            ? DetachedHandshake.AcceptAsync(context, slot, new DetachedSession(server, request, Upgrading: null))
            : RunAsync(server, context, accepted: null, request, upgrading: null);
    }

    /// <summary>Probes a new WebSocket for a polling session and, on "5", moves the session onto it.</summary>
    public static Task UpgradeAsync(EngineIOSocket socket, HttpContext context) =>
        DetachedHandshake.FindSlot(context) is { } slot
            ? DetachedHandshake.AcceptAsync(context, slot, new DetachedSession(socket.Server, Request: null, socket))
            : RunAsync(socket.Server, context, accepted: null, request: null, upgrading: socket);

    /// <summary>Runs a session whose upgrade request has ended, on the connection's own transport (see DetachedWebSocketMiddleware).</summary>
    internal static Task RunDetachedAsync(DetachedSession session, IDuplexPipe transport) =>
        RunAsync(session.Server, context: null, WebSocket.CreateFromStream(new DuplexPipeStream(transport), DetachedOptions), session.Request, session.Upgrading);

    /// <summary>Accepts a WebSocket the session cannot use (it already runs on one) and closes it at once, as the reference does.</summary>
    public static async Task AcceptAndCloseAsync(HttpContext context)
    {
        using var webSocket = await AcceptAsync(context);
        using var grace = new CancellationTokenSource(CloseReplyGrace);
        try { await webSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, grace.Token); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException) { webSocket.Abort(); }
    }

    // The feature itself, not HttpContext.WebSockets (a wrapper object the request would keep for the connection's life).
    private static Task<WebSocket> AcceptAsync(HttpContext context) =>
        context.Features.Get<IHttpWebSocketFeature>()?.AcceptAsync(AcceptContext) ?? throw new NotSupportedException("WebSockets are not supported");

    /// <returns>True when the client finished the upgrade with "5" and the session is still open.</returns>
    private static async Task<bool> ProbeAsync(EngineIOSocket socket, WebSocket webSocket, MessageReceiver receiver)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(socket.ClosedToken);
        timeout.CancelAfter(socket.Server.Options.UpgradeTimeout);
        try
        {
            var probe = await receiver.ReceiveAsync(timeout.Token);
            if (probe.Kind != ReceivedKind.Text || !probe.Data.Span.SequenceEqual("2probe"u8)) return false;
            await webSocket.SendAsync(ProbeAnswer, WebSocketMessageType.Text, true, timeout.Token);
            socket.BeginUpgrade();
            var upgrade = await receiver.ReceiveAsync(timeout.Token);
            if (upgrade.Kind != ReceivedKind.Text || !upgrade.Data.Span.SequenceEqual("5"u8))
            {
                socket.Upgrading = false;
                return false;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            socket.Upgrading = false;
            return false;
        }
        return !socket.ClosedToken.IsCancellationRequested;
    }

    /// <summary>
    /// Accepts the WebSocket, opens a session on it (or, for <paramref name="upgrading"/>, probes and moves
    /// that polling session onto it), then runs the session's receive loop in this same method and ends the
    /// session when the client goes. One method for the whole life, so an idle session keeps one state
    /// machine here plus its writer loop's (separate handshake, run and receive-loop methods, and a
    /// completion source to wake the run on close, were ~0.5 KB per connection, measured).
    /// <para>
    /// Who finishes the WebSocket is decided once (<see cref="EngineIOSocket.WebSocketCloser"/>): the receive
    /// loop when the client closed or broke the protocol (it answers the close and lets the writer finish), or
    /// <see cref="CloseFromServerAsync"/>, started when the session is closed from elsewhere (ping timeout,
    /// server close), which flushes, sends a close frame and aborts after a grace period if the client does not
    /// answer (which also frees a writer stuck on a client that stopped reading).
    /// </para>
    /// </summary>
    private static async Task RunAsync(EngineIOServer server, HttpContext? context, WebSocket? accepted, EngineIORequest? request, EngineIOSocket? upgrading)
    {
        using var webSocket = accepted ?? await AcceptAsync(context!);
        using var receiver = new MessageReceiver(webSocket, server.Options.MaxPayload);
        EngineIOSocket socket;
        if (upgrading is null)
        {
            socket = server.Open(request!, "websocket");
            socket.Enqueue(new OutboundItem(OutboundKind.Text, server.OpenPacket(socket.Id, canUpgrade: false)));
            server.NotifyConnection(socket);
        }
        else
        {
            if (!await ProbeAsync(upgrading, webSocket, receiver)) return;
            socket = upgrading;
            socket.CompleteUpgrade();
        }
        var writer = WriteLoopAsync(socket, webSocket);
        socket.AttachWebSocket(webSocket, writer);

        // Reads until the client closes; once the session is closed from elsewhere, messages are read and
        // dropped until the client's close reply or the abort.
        string reason;
        WebSocketCloseStatus? status = null;
        while (true)
        {
            (ReceivedKind Kind, ReadOnlyMemory<byte> Data) message;
            // Two steps so that an idle connection waits on the WebSocket's own operation (see MessageReceiver.WaitAsync).
            try { message = await receiver.ReadAsync(await receiver.WaitAsync(CancellationToken.None), CancellationToken.None); }
            catch (OperationCanceledException) { reason = "forced close"; break; }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException) { reason = "transport close"; break; }

            if (message.Kind == ReceivedKind.Close)
            {
                if (socket.IsClosing) reason = socket.CloseReason;
                else (reason, status) = ("transport close", WebSocketCloseStatus.NormalClosure);
                break;
            }
            if (message.Kind == ReceivedKind.TooBig)
            {
                (reason, status) = ("transport error", WebSocketCloseStatus.MessageTooBig);
                break;
            }
            if (message.Kind == ReceivedKind.Binary)
            {
                await socket.OnPacketAsync(0, message.Data, isBinary: true);
                continue;
            }
            if (message.Data.IsEmpty)
            {
                (reason, status) = ("parse error", WebSocketCloseStatus.ProtocolError);
                break;
            }
            await socket.OnPacketAsync(message.Data.Span[0], message.Data[1..], isBinary: false);
        }

        // Claimed before CloseNow, so that this close does not also start CloseFromServerAsync.
        if (Interlocked.CompareExchange(ref socket.WebSocketCloser, ClosedByReceiveLoop, null) is ServerClose serverClose)
        {
            // Closed from elsewhere first: that close finishes the WebSocket; it only waited for this loop to end.
            serverClose.ReceiveEnded.TrySetResult();
            await serverClose.Done.Task;
            return;
        }
        socket.CloseNow(reason);
        if (!await WithinAsync(writer, CloseReplyGrace)) webSocket.Abort();
        await writer;
        if (status is { } closeStatus) await TryCloseOutputAsync(webSocket, closeStatus);
    }

    /// <summary>A close from elsewhere in progress: the receive loop signals its end, and waits for the close to finish.</summary>
    private sealed class ServerClose
    {
        public TaskCompletionSource ReceiveEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Called once a session on a WebSocket is closed (and when a closed session's WebSocket is attached):
    /// unless the receive loop already claimed the close, finishes the WebSocket from the server's side.
    /// </summary>
    internal static void OnSessionClosed(EngineIOSocket socket, WebSocket webSocket, Task writer)
    {
        if (Volatile.Read(ref socket.WebSocketCloser) is not null) return;
        var close = new ServerClose();
        if (Interlocked.CompareExchange(ref socket.WebSocketCloser, close, null) is null) _ = CloseFromServerAsync(webSocket, writer, close);
    }

    /// <summary>
    /// Closed from elsewhere (ping timeout, parse error, server close): say goodbye with a close frame, as the
    /// JS server does, and give the client a moment to answer it.
    /// </summary>
    private static async Task CloseFromServerAsync(WebSocket webSocket, Task writer, ServerClose close)
    {
        try
        {
            if (!await WithinAsync(writer, CloseReplyGrace)) webSocket.Abort();
            await writer;
            await TryCloseOutputAsync(webSocket, WebSocketCloseStatus.NormalClosure);
            if (!await WithinAsync(close.ReceiveEnded.Task, CloseReplyGrace)) webSocket.Abort();
        }
        finally { close.Done.TrySetResult(); }
    }

    private static async Task<bool> WithinAsync(Task task, TimeSpan grace)
    {
        if (task.IsCompleted) return true;
        try { await task.WaitAsync(grace); }
        catch (TimeoutException) { return false; }
        catch { }
        return true;
    }

    private static async Task TryCloseOutputAsync(WebSocket webSocket, WebSocketCloseStatus status)
    {
        if (webSocket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try { await webSocket.CloseOutputAsync(status, null, CancellationToken.None); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException) { }
    }

    /// <summary>
    /// Drains the session's queue onto the socket. Sends pass no cancellation token: ManagedWebSocket
    /// takes a cheaper, lock-free path for non-cancelable sends; a close ends the loop through the
    /// completed queue, and a send stuck on a client that stopped reading is ended by RunAsync's abort.
    /// On failure it queues the session's close rather than running close handlers inline, so the loop
    /// stays safe to run on a sender's thread.
    /// </summary>
    private static async Task WriteLoopAsync(EngineIOSocket socket, WebSocket webSocket)
    {
        var reader = socket.Outbound;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                // A message a producer began writing itself, still in flight: it goes before anything queued after it.
                if (reader.TakeHandoff() is { } inlineSend) await inlineSend;
                while (reader.TryRead(out var item))
                {
                    if (socket.IsClosed) return;
                    switch (item.Kind)
                    {
                        case OutboundKind.Text:
                            await webSocket.SendAsync(item.Data, WebSocketMessageType.Text, true, CancellationToken.None);
                            break;
                        case OutboundKind.Binary:
                            await webSocket.SendAsync(item.Data, WebSocketMessageType.Binary, true, CancellationToken.None);
                            break;
                        case OutboundKind.Packet:
                            await webSocket.SendAsync(item.Data, WebSocketMessageType.Text, true, CancellationToken.None);
                            foreach (var attachment in item.Attachments!)
                                await webSocket.SendAsync(attachment, WebSocketMessageType.Binary, true, CancellationToken.None);
                            break;
                        case OutboundKind.Close:
                            // No abort here: it could drop bytes still in flight. The receive loop ends
                            // on the client's close reply, or the closing deadline ends the session.
                            await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                            return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.CloseNow("transport error"), socket, preferLocal: false);
        }
    }
}
