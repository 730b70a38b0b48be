using Microsoft.Extensions.Logging;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// Every session's heartbeat deadlines (next ping, pong due, closing) on one timer, fired at the earliest
/// deadline rather than on a periodic tick, so a ping leaves and a silent client is closed on time (a tick of
/// a tenth of the interval made both up to one tick late each, measured 5–70 ms over the reference).
/// <para>
/// A session's deadline moves about twice per ping cycle; each move queues a new entry and leaves the old one
/// behind, dropped when it comes due (the session checks the entry is still its current deadline). So the queue
/// holds at most a few 16-byte entries per session, and no timer per session (one Timer is ~150 bytes and a
/// timer-queue entry).
/// </para>
/// </summary>
internal sealed class HeartbeatScheduler
{
    private readonly PriorityQueue<EngineIOSocket, long> _queue = new();
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private readonly ILogger _logger;
    private long _armedFor = long.MaxValue;

    public HeartbeatScheduler(ILogger logger)
    {
        _logger = logger;
        _timer = new Timer(static s => ((HeartbeatScheduler)s!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Calls <see cref="EngineIOSocket.OnDeadline"/> at <paramref name="deadline"/> (MonotonicClock.NowMs, ms).</summary>
    public void Schedule(EngineIOSocket socket, long deadline)
    {
        lock (_lock)
        {
            _queue.Enqueue(socket, deadline);
            if (deadline < _armedFor) Arm(deadline);
        }
    }

    private void Arm(long deadline)
    {
        _armedFor = deadline;
        _timer.Change(Math.Max(0, deadline - MonotonicClock.NowMs), Timeout.Infinite);
    }

    private void OnTimer()
    {
        List<(EngineIOSocket Socket, long Deadline)>? due = null;
        lock (_lock)
        {
            var now = MonotonicClock.NowMs;
            _armedFor = long.MaxValue;
            while (_queue.TryPeek(out var socket, out var deadline) && deadline <= now)
            {
                _queue.Dequeue();
                (due ??= []).Add((socket, deadline));
            }
            if (_queue.TryPeek(out _, out var next)) Arm(next);
        }
        if (due is null) return;
        foreach (var (socket, deadline) in due)
        {
            try { socket.OnDeadline(deadline); }
            catch (Exception ex) { _logger.LogError(ex, "Heartbeat failed for {Sid}", socket.Id); }
        }
    }
}
