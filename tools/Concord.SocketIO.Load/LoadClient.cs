using System.Net.WebSockets;
using System.Text;

namespace Concord.SocketIO.Load;

/// <summary>
/// One official-protocol client speaking raw frames: "0{…}" open → "40" connect → "42[…]" events,
/// "2" pings answered with "3", "43n[…]" acks. No per-client thread or timer: a receive loop and a send lock.
/// </summary>
internal sealed class LoadClient : IDisposable
{
    private static readonly byte[] Pong = "3"u8.ToArray();
    private static readonly byte[] ConnectPacket = "40"u8.ToArray();

    private readonly ClientWebSocket _ws = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ReadOnlyMemory<byte>>? _onEvent;
    private byte[] _buffer = new byte[512];
    private TaskCompletionSource? _ack;

    private LoadClient(Action<ReadOnlyMemory<byte>>? onEvent) => _onEvent = onEvent;

    /// <summary>True once the server closed or the socket failed.</summary>
    public bool Dropped { get; private set; }

    public static async Task<LoadClient> ConnectAsync(Uri uri, HttpMessageInvoker invoker, Action<ReadOnlyMemory<byte>>? onEvent, CancellationToken ct)
    {
        var client = new LoadClient(onEvent);
        client._ws.Options.KeepAliveInterval = TimeSpan.Zero;
        await client._ws.ConnectAsync(uri, invoker, ct);
        _ = client.ReceiveLoopAsync();
        await client._connected.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        return client;
    }

    /// <summary>Emits <c>join</c> with an ack and waits for it, so the room is joined before load starts.</summary>
    public async Task JoinAsync(string room)
    {
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ack = ack;
        await SendAsync(Encoding.UTF8.GetBytes($"420[\"join\",\"{room}\"]"));
        await ack.Task.WaitAsync(TimeSpan.FromSeconds(30));
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
            case (byte)'0': await SendAsync(ConnectPacket); break;
            case (byte)'2': await SendAsync(Pong); break;
            case (byte)'4' when span.Length > 1:
                switch (span[1])
                {
                    case (byte)'0': _connected.TrySetResult(); break;
                    case (byte)'2': _onEvent?.Invoke(frame); break;
                    case (byte)'3': _ack?.TrySetResult(); break;
                    case (byte)'1' or (byte)'4': Dropped = true; _connected.TrySetException(new IOException("rejected")); break;
                }
                break;
        }
    }

    public void Dispose()
    {
        _ws.Abort();
        _ws.Dispose();
    }
}
