using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Concord.SocketIO.EngineIO;

internal enum ReceivedKind : byte { Text, Binary, Close, TooBig }

/// <summary>
/// Reads whole WebSocket messages into a pooled buffer, enforcing the size limit. An idle
/// connection holds no buffer: it waits with a zero-byte read and rents only when data arrives.
/// </summary>
internal sealed class MessageReceiver(WebSocket webSocket, int limit) : IDisposable
{
    private byte[]? _buffer;

    /// <summary>Receives one message; its data stays valid until the next call.</summary>
    // Pooled builder: every message that is not already buffered completes asynchronously, and the
    // default builder would allocate a fresh state-machine box for each of them.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(ReceivedKind Kind, ReadOnlyMemory<byte> Data)> ReceiveAsync(CancellationToken cancellationToken)
    {
        Release();
        var first = await webSocket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (first.MessageType == WebSocketMessageType.Close) return (ReceivedKind.Close, default);
        var kind = first.MessageType == WebSocketMessageType.Text ? ReceivedKind.Text : ReceivedKind.Binary;
        if (first.EndOfMessage) return (kind, ReadOnlyMemory<byte>.Empty);

        _buffer = ArrayPool<byte>.Shared.Rent(4096);
        var count = 0;
        while (true)
        {
            if (count == _buffer.Length) Grow(count);
            var result = await webSocket.ReceiveAsync(_buffer.AsMemory(count, Math.Min(_buffer.Length, limit + 1) - count), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return (ReceivedKind.Close, default);
            count += result.Count;
            if (count > limit) return (ReceivedKind.TooBig, default);
            if (result.EndOfMessage) return (kind, _buffer.AsMemory(0, count));
        }
    }

    private void Grow(int count)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer!.Length * 2, limit + 1));
        _buffer.AsSpan(0, count).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void Release()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    public void Dispose() => Release();
}
