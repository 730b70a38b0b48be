using System.Buffers;
using System.IO.Pipelines;

namespace Concord.SocketIO.EngineIO.Detached;

/// <summary>
/// The connection's transport as Kestrel's HTTP layer sees it: a pass-through, until an Engine.IO WebSocket claims
/// the connection. From then on the HTTP layer reads an ended stream (so it parses no WebSocket frame as a request,
/// even after a "Connection: keep-alive, Upgrade" request) and its completes, aborts and cancels stop at this wrapper:
/// the real transport stays open, with every byte the HTTP layer did not consume, for the session that runs next.
/// </summary>
internal sealed class GuardedTransport(IDuplexPipe inner) : IDuplexPipe
{
    private volatile bool _claimed;

    public IDuplexPipe Inner => inner;

    public bool Claimed => _claimed;

    public PipeReader Input { get; } = new GuardedReader(inner.Input);

    public PipeWriter Output { get; } = new GuardedWriter(inner.Output);

    public void Claim()
    {
        _claimed = true;
        ((GuardedReader)Input).Claimed = true;
        ((GuardedWriter)Output).Claimed = true;
    }

    private sealed class GuardedReader(PipeReader inner) : PipeReader
    {
        private static readonly ReadResult Ended = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

        public volatile bool Claimed;

        public override bool TryRead(out ReadResult result)
        {
            if (Claimed)
            {
                result = Ended;
                return true;
            }
            return inner.TryRead(out result);
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Claimed ? new(Ended) : inner.ReadAsync(cancellationToken);

        public override void AdvanceTo(SequencePosition consumed)
        {
            if (!Claimed) inner.AdvanceTo(consumed);
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (!Claimed) inner.AdvanceTo(consumed, examined);
        }

        // Kestrel cancels the pending read to stop between requests (shutdown, keep-alive timeout): after the claim
        // that would wake the session's own read for nothing.
        public override void CancelPendingRead()
        {
            if (!Claimed) inner.CancelPendingRead();
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Claimed) inner.Complete(exception);
        }
    }

    private sealed class GuardedWriter(PipeWriter inner) : PipeWriter
    {
        // Writes still pass after the claim (the 101 is flushed just before it); only the end of the HTTP layer stops here.
        public volatile bool Claimed;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(source, cancellationToken);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void CancelPendingFlush()
        {
            if (!Claimed) inner.CancelPendingFlush();
        }

        public override void Complete(Exception? exception = null)
        {
            if (!Claimed) inner.Complete(exception);
        }
    }
}
