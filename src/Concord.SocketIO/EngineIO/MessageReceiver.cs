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
    public async ValueTask<(ReceivedKind Kind, ReadOnlyMemory<byte> Data)> ReceiveAsync(CancellationToken cancellationToken) =>
        await ReadAsync(await WaitAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// The zero-byte read that waits for the next message; pass its result to <see cref="ReadAsync"/>.
    /// Not async: an idle connection's receive loop then awaits the WebSocket's own operation, so no
    /// state machine of this class stays alive while it waits (a pooled one did: ~180 bytes per idle connection).
    /// </summary>
    public ValueTask<ValueWebSocketReceiveResult> WaitAsync(CancellationToken cancellationToken)
    {
        Release();
        return webSocket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
    }

    /// <summary>Reads the rest of the message whose start <see cref="WaitAsync"/> saw; its data stays valid until the next wait.</summary>
    public ValueTask<(ReceivedKind Kind, ReadOnlyMemory<byte> Data)> ReadAsync(ValueWebSocketReceiveResult first, CancellationToken cancellationToken)
    {
        if (first.MessageType == WebSocketMessageType.Close) return new((ReceivedKind.Close, default));
        var kind = first.MessageType == WebSocketMessageType.Text ? ReceivedKind.Text : ReceivedKind.Binary;
        if (first.EndOfMessage) return new((kind, ReadOnlyMemory<byte>.Empty));
        return ReadBodyAsync(kind, cancellationToken);
    }

    // Pooled builder: a message's body usually arrives with its header, but when it does not, the
    // default builder would allocate a fresh state-machine box for each such message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(ReceivedKind Kind, ReadOnlyMemory<byte> Data)> ReadBodyAsync(ReceivedKind kind, CancellationToken cancellationToken)
    {
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
