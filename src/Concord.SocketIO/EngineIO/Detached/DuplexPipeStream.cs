using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Concord.SocketIO.EngineIO.Detached;

/// <summary>
/// The connection's transport as the stream <c>WebSocket.CreateFromStream</c> reads and writes. Reads copy out of the
/// transport's pipe (a zero-byte read waits for data without taking any); writes go straight into it. Disposing it
/// does nothing: Kestrel completes the transport when the connection ends.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe transport) : Stream
{
    private readonly PipeReader _input = transport.Input;
    private readonly PipeWriter _output = transport.Output;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Most reads find the bytes already there (a frame's payload after its header).
        if (_input.TryRead(out var result))
        {
            if (!IsSpuriousCancel(result)) return new(Consume(result, buffer.Span));
            _input.AdvanceTo(result.Buffer.Start);
        }
        return ReadSlowAsync(buffer, cancellationToken);
    }

    // Pooled: the read an idle connection waits in holds a box either way, but each message's reads would allocate one.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadSlowAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            // A cancelled read with nothing in it is not the end of the stream (the pipe's CancelPendingRead): read again.
            if (IsSpuriousCancel(result))
            {
                _input.AdvanceTo(result.Buffer.Start);
                continue;
            }
            return Consume(result, buffer.Span);
        }
    }

    private static bool IsSpuriousCancel(ReadResult result) => result.IsCanceled && result.Buffer.IsEmpty && !result.IsCompleted;

    private int Consume(ReadResult result, Span<byte> destination)
    {
        var data = result.Buffer;
        if (data.IsEmpty || destination.IsEmpty)
        {
            // Nothing copied: an empty completed pipe is the end of the stream, and a zero-byte read only waited for data.
            _input.AdvanceTo(data.Start, data.Start);
            return 0;
        }
        var count = (int)Math.Min(data.Length, destination.Length);
        data.Slice(0, count).CopyTo(destination);
        _input.AdvanceTo(data.GetPosition(count));
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = _output.WriteAsync(buffer, cancellationToken);
        if (write.IsCompletedSuccessfully) return default;
        return AwaitWriteAsync(write);
    }

    private static async ValueTask AwaitWriteAsync(ValueTask<FlushResult> write) => await write;

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        var flush = _output.FlushAsync(cancellationToken);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous reads");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
