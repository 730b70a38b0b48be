using System.Threading.Tasks.Sources;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// A session's bounded outbound queue: many producers, one writer at a time (the WebSocket writer
/// loop or the pending poll). It replaces a bounded <c>Channel&lt;T&gt;</c>, which costs ~950 bytes per
/// session (reader, writer, four pre-allocated async operations, three deques, a completion source);
/// this is one object and a ring array that grows from two entries on demand (an idle session seldom has
/// more queued at once; starting at four cost ~60 bytes more per idle connection), guarded by a monitor on
/// the queue itself (internal and sealed, so nothing else locks it) rather than a <see cref="Lock"/> object.
/// <para>
/// The uncancelable wait (the WebSocket writer loop) reuses this object as its <see cref="IValueTaskSource{TResult}"/>;
/// cancelable or concurrent waits (polling, an upgrade overlapping a poll) fall back to a
/// <see cref="TaskCompletionSource{TResult}"/> each. Continuations always run asynchronously, so a
/// producer never runs a writer inline.
/// </para>
/// <para>
/// Instead, a producer may write one message itself (<see cref="TryClaimInline"/>): only while the WebSocket writer is
/// parked on an empty queue, so there is still one writer at a time and nothing queued or in flight to overtake. Until
/// <see cref="EndInline"/> the parked writer is not woken (items queued meanwhile wait behind the inline message); a send
/// that did not complete at once is handed to the writer, which awaits it before anything else.
/// </para>
/// </summary>
internal sealed class OutboundQueue(int capacity) : IValueTaskSource<bool>
{
    private const int ShrinkFrom = 16;
    private OutboundItem[] _items = [];
    private int _head, _count;
    private bool _completed;
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };
    private bool _waiterInUse, _waiterArmed;
    // A producer is writing a message itself (TryClaimInline … EndInline): the armed waiter is not signalled meanwhile.
    private bool _inline;
    // An inline send that had not completed when its producer returned: the writer awaits it before anything else.
    private Task? _handoff;
    private List<TaskCompletionSource<bool>>? _others;

    /// <summary>Queues an item; false when the queue is full or completed.</summary>
    public bool TryWrite(in OutboundItem item)
    {
        bool signalWaiter;
        List<TaskCompletionSource<bool>>? others;
        lock (this)
        {
            if (_completed || _count == capacity) return false;
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = item;
            _count++;
            (signalWaiter, others) = TakeWaiters();
        }
        Signal(signalWaiter, others, true);
        return true;
    }

    /// <summary>No more items; waiting readers see false once the queue is drained. False if already completed.</summary>
    public bool TryComplete()
    {
        bool signalWaiter;
        List<TaskCompletionSource<bool>>? others;
        lock (this)
        {
            if (_completed) return false;
            _completed = true;
            (signalWaiter, others) = TakeWaiters();
        }
        // Waiters only exist while the queue is empty.
        Signal(signalWaiter, others, false);
        return true;
    }

    /// <summary>Completed and drained (a channel's completed <c>Completion</c>).</summary>
    public bool IsFinished
    {
        get { lock (this) return _completed && _count == 0; }
    }

    public bool TryRead(out OutboundItem item)
    {
        lock (this)
        {
            if (_count == 0)
            {
                item = default;
                return false;
            }
            item = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            // A burst (a presence storm, a busy room) grew the ring; once drained, an idle session should not keep it
            // (~400 bytes per connection at 16 entries, seen in the gateway's idle census). Small rings stay, so steady
            // traffic does not regrow them on every turn.
            if (--_count == 0 && _items.Length >= ShrinkFrom)
            {
                _items = [];
                _head = 0;
            }
            return true;
        }
    }

    public bool TryPeek(out OutboundItem item)
    {
        lock (this)
        {
            item = _count == 0 ? default : _items[_head];
            return _count > 0;
        }
    }

    /// <summary>
    /// Claims the right to write one message on the caller's thread: true only while the uncancelable writer is
    /// parked on an empty, open queue, no other producer writes inline and no poll waits. Pair with <see cref="EndInline"/>.
    /// </summary>
    public bool TryClaimInline()
    {
        lock (this)
        {
            if (!_waiterArmed || _inline || _count > 0 || _completed || _others is not null) return false;
            _inline = true;
            return true;
        }
    }

    /// <summary>
    /// Ends an inline write. <paramref name="pending"/> is its send when that had not completed (or failed): the writer
    /// is woken to await it first. The writer is also woken for what was queued or completed meanwhile.
    /// </summary>
    public void EndInline(Task? pending)
    {
        bool signal, result;
        lock (this)
        {
            _inline = false;
            _handoff = pending;
            signal = _waiterArmed && (pending is not null || _count > 0 || _completed);
            result = pending is not null || _count > 0;
            if (signal) _waiterArmed = false;
        }
        if (signal) _waiter.SetResult(result);
    }

    /// <summary>The inline send handed over by <see cref="EndInline"/>, if any (the writer awaits it before reading on).</summary>
    public Task? TakeHandoff()
    {
        lock (this)
        {
            var handoff = _handoff;
            _handoff = null;
            return handoff;
        }
    }

    /// <summary>True once an item is available, false once the queue is completed and drained.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<bool> fallback;
        lock (this)
        {
            if (_count > 0 || _handoff is not null) return new ValueTask<bool>(true);
            if (_completed) return new ValueTask<bool>(false);
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<bool>(cancellationToken);
            if (!cancellationToken.CanBeCanceled && !_waiterInUse)
            {
                _waiterInUse = _waiterArmed = true;
                _waiter.Reset();
                return new ValueTask<bool>(this, _waiter.Version);
            }
            fallback = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            (_others ??= []).Add(fallback);
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var (queue, tcs) = ((OutboundQueue, TaskCompletionSource<bool>))state!;
                lock (queue) queue._others?.Remove(tcs);
                tcs.TrySetCanceled(token);
            }, (this, fallback));
            fallback.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return new ValueTask<bool>(fallback.Task);
    }

    private (bool SignalWaiter, List<TaskCompletionSource<bool>>? Others) TakeWaiters()
    {
        // During an inline write the parked writer stays parked: EndInline wakes it for what came meanwhile.
        var signalWaiter = _waiterArmed && !_inline;
        if (signalWaiter) _waiterArmed = false;
        var others = _others;
        _others = null;
        return (signalWaiter, others);
    }

    private void Signal(bool signalWaiter, List<TaskCompletionSource<bool>>? others, bool result)
    {
        if (signalWaiter) _waiter.SetResult(result);
        if (others is null) return;
        foreach (var tcs in others) tcs.TrySetResult(result);
    }

    /// <summary>The ring's current size (tests).</summary>
    internal int RingSize
    {
        get { lock (this) return _items.Length; }
    }

    private void Grow()
    {
        var bigger = new OutboundItem[Math.Min(Math.Max(2, _items.Length * 2), capacity)];
        for (var i = 0; i < _count; i++) bigger[i] = _items[(_head + i) % _items.Length];
        _items = bigger;
        _head = 0;
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        var result = _waiter.GetResult(token);
        lock (this) _waiterInUse = false;
        return result;
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
