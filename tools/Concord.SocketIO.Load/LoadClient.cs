using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Concord.SocketIO.Load;

/// <summary>
/// One official-protocol client speaking raw frames: "0{…}" open → "40" connect (with an auth object when given) →
/// "42[…]" events, "2" pings answered with "3", "42n[…]" emits with an ack id answered by "43n[…]", as
/// <c>socket.emitWithAck</c> does. No per-client thread or timer: a receive loop, a send lock and a ring of pending acks.
/// </summary>
internal sealed class LoadClient : IDisposable
{
    private static readonly byte[] Pong = "3"u8.ToArray();
    private const int AckSlots = 256;

    private readonly ClientWebSocket _ws = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ReadOnlyMemory<byte>>? _onEvent;
    private readonly byte[] _connectPacket;
    private readonly PendingAck[] _acks = new PendingAck[AckSlots];
    private byte[] _buffer = new byte[512];
    private int _nextAck = -1;

    /// <summary>An emit waiting for its ack: when it was sent, and who wants the answer.</summary>
    private struct PendingAck
    {
        public long Sent;
        public Action<long>? OnAck;
        public TaskCompletionSource<string>? Waiter;
    }

    private LoadClient(Action<ReadOnlyMemory<byte>>? onEvent, string? auth)
    {
        _onEvent = onEvent;
        _connectPacket = Encoding.UTF8.GetBytes(auth is null ? "40" : "40" + auth);
    }

    /// <summary>True once the server closed or the socket failed.</summary>
    public bool Dropped { get; private set; }

    /// <summary>Connects and completes once the Socket.IO connect is accepted; <paramref name="auth"/> is the handshake's auth object (JSON).</summary>
    public static async Task<LoadClient> ConnectAsync(Uri uri, HttpMessageInvoker invoker, Action<ReadOnlyMemory<byte>>? onEvent, CancellationToken ct, string? auth = null)
    {
        var client = new LoadClient(onEvent, auth);
        client._ws.Options.KeepAliveInterval = TimeSpan.Zero;
        await client._ws.ConnectAsync(uri, invoker, ct);
        _ = client.ReceiveLoopAsync();
        await client._connected.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        return client;
    }

    /// <summary>Emits <c>join</c> with an ack and waits for it, so the room is joined before load starts.</summary>
    public Task JoinAsync(string room) => EmitWithAckAsync($"\"join\",\"{room}\"");

    /// <summary><c>socket.timeout(60 s).emitWithAck(…)</c>: <paramref name="eventAndArgs"/> is the packet's JSON array without brackets; the ack's arguments come back as JSON.</summary>
    public async Task<string> EmitWithAckAsync(string eventAndArgs)
    {
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await EmitAsync(eventAndArgs, null, waiter);
        return await waiter.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Fire-and-forget emit that still asks for an ack (as an application's emitWithAck whose promise it handles later); <paramref name="onAck"/> gets the ack latency in µs.</summary>
    public Task EmitAsync(string eventAndArgs, Action<long>? onAck) => EmitAsync(eventAndArgs, onAck, null);

    private Task EmitAsync(string eventAndArgs, Action<long>? onAck, TaskCompletionSource<string>? waiter)
    {
        var id = Interlocked.Increment(ref _nextAck) & int.MaxValue;
        ref var slot = ref _acks[id % AckSlots];
        slot.OnAck = onAck;
        slot.Waiter = waiter;
        Volatile.Write(ref slot.Sent, Stopwatch.GetTimestamp());
        return SendAsync(Encoding.UTF8.GetBytes($"42{id}[{eventAndArgs}]"));
    }

    public async Task SendAsync(ReadOnlyMemory<byte> frame)
    {
        await _sendLock.WaitAsync();
        try { await _ws.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None); }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException) { Dropped = true; }
        finally { _sendLock.Release(); }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var count = 0;
                while (true)
                {
                    if (count == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
                    var result = await _ws.ReceiveAsync(_buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close) { Dropped = true; return; }
                    count += result.Count;
                    if (result.EndOfMessage) break;
                }
                if (count > 0) await OnFrameAsync(_buffer.AsMemory(0, count));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            Dropped = true;
        }
        finally
        {
            _connected.TrySetException(new IOException("closed before connecting"));
        }
    }

    private async ValueTask OnFrameAsync(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        switch (span[0])
        {
            case (byte)'0': await SendAsync(_connectPacket); break;
            case (byte)'2': await SendAsync(Pong); break;
            case (byte)'4' when span.Length > 1:
                switch (span[1])
                {
                    case (byte)'0': _connected.TrySetResult(); break;
                    case (byte)'2': _onEvent?.Invoke(frame); break;
                    case (byte)'3': OnAck(span[2..]); break;
                    case (byte)'1' or (byte)'4':
                        Dropped = true;
                        _connected.TrySetException(new IOException("rejected: " + Encoding.UTF8.GetString(span)));
                        break;
                }
                break;
        }
    }

    private void OnAck(ReadOnlySpan<byte> idAndArgs)
    {
        if (!Utf8Parser.TryParse(idAndArgs, out int id, out var consumed)) return;
        var now = Stopwatch.GetTimestamp();
        ref var slot = ref _acks[id % AckSlots];
        var (sent, onAck, waiter) = (Volatile.Read(ref slot.Sent), slot.OnAck, slot.Waiter);
        slot = default;
        onAck?.Invoke((now - sent) * 1_000_000 / Stopwatch.Frequency);
        waiter?.TrySetResult(Encoding.UTF8.GetString(idAndArgs[consumed..]));
    }

    public void Dispose()
    {
        _ws.Abort();
        _ws.Dispose();
    }
}
