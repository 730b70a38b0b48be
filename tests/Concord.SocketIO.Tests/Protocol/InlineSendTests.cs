using Concord.SocketIO.EngineIO;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>
/// The outbound queue's inline writes (a producer writes a message itself while the writer loop is parked): one writer
/// at a time, nothing overtakes, what is queued or completed meanwhile wakes the writer afterwards, and a send that did
/// not finish is the writer's first job. End to end, <see cref="ConcurrentDeliveryTests"/> drives the same path from
/// eight threads with sends that sometimes complete asynchronously.
/// </summary>
public sealed class InlineSendTests
{
    private static OutboundItem Text(byte b) => new(OutboundKind.Text, new[] { b });

    [Fact]
    public void NoInlineWriteUnlessTheWriterIsParkedOnAnEmptyQueue()
    {
        var queue = new OutboundQueue(16);
        Assert.False(queue.TryClaimInline()); // no writer waiting (a poll, or the loop busy sending)

        var parked = queue.WaitToReadAsync(CancellationToken.None);
        Assert.False(parked.IsCompleted);
        Assert.True(queue.TryClaimInline());
        Assert.False(queue.TryClaimInline()); // one inline writer at a time
        queue.EndInline(null);
        Assert.False(parked.IsCompleted); // nothing came meanwhile: the writer stays parked

        Assert.True(queue.TryWrite(Text(1)));
        Assert.False(queue.TryClaimInline()); // something queued: an inline write would overtake it
    }

    [Fact]
    public async Task WhatIsQueuedDuringAnInlineWriteWakesTheWriterOnlyAfterIt()
    {
        var queue = new OutboundQueue(16);
        var parked = queue.WaitToReadAsync(CancellationToken.None);
        Assert.True(queue.TryClaimInline());
        Assert.True(queue.TryWrite(Text(2)));
        Assert.True(queue.TryWrite(Text(3)));
        Assert.False(parked.IsCompleted); // the writer must not send while the inline write is under way

        queue.EndInline(null);
        Assert.True(await parked.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(queue.TakeHandoff());
        Assert.True(queue.TryRead(out var first) && first.Data.Span[0] == 2);
        Assert.True(queue.TryRead(out var second) && second.Data.Span[0] == 3);
    }

    [Fact]
    public async Task AnUnfinishedInlineSendIsHandedToTheWriterBeforeAnythingQueuedAfterIt()
    {
        var queue = new OutboundQueue(16);
        var parked = queue.WaitToReadAsync(CancellationToken.None);
        Assert.True(queue.TryClaimInline());
        var send = new TaskCompletionSource();
        Assert.True(queue.TryWrite(Text(4)));
        queue.EndInline(send.Task);

        Assert.True(await parked.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(send.Task, queue.TakeHandoff());
        Assert.Null(queue.TakeHandoff());
        Assert.True(queue.TryRead(out var next) && next.Data.Span[0] == 4);

        // A hand-over alone (nothing queued) also wakes the writer, and a later wait reports it at once.
        var again = queue.WaitToReadAsync(CancellationToken.None);
        Assert.True(queue.TryClaimInline());
        queue.EndInline(Task.FromException(new IOException("reset")));
        Assert.True(await again.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotNull(queue.TakeHandoff());
    }

    [Fact]
    public async Task ACloseDuringAnInlineWriteEndsTheWriterOnlyAfterIt()
    {
        var queue = new OutboundQueue(16);
        var parked = queue.WaitToReadAsync(CancellationToken.None);
        Assert.True(queue.TryClaimInline());
        Assert.True(queue.TryComplete());
        Assert.False(parked.IsCompleted); // the writer's end (and the WebSocket's close after it) waits for the inline send
        Assert.False(queue.TryClaimInline());

        queue.EndInline(null);
        Assert.False(await parked.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(queue.IsFinished);
    }

    [Fact]
    public void BroadcastsToManySocketsLeaveTheWritingToTheWriterLoops()
    {
        Assert.True(InlineSends.Allowed);
        using (InlineSends.SuppressFor(InlineSends.MaxRecipients)) Assert.True(InlineSends.Allowed);
        using (InlineSends.SuppressFor(InlineSends.MaxRecipients + 1))
        {
            Assert.False(InlineSends.Allowed);
            using (InlineSends.SuppressFor(1000)) Assert.False(InlineSends.Allowed);
            Assert.False(InlineSends.Allowed); // nested: still inside the outer broadcast
        }
        Assert.True(InlineSends.Allowed);
    }
}
