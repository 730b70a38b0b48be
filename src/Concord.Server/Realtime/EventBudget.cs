using Concord.Server.Infrastructure.Errors;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// Per-socket budget for client events (fixed window): a flood of typing or signaling events from one socket is
/// refused before it is broadcast to anyone. Message sends have their own, shared limits on top.
/// </summary>
public sealed class EventBudget(int permits, TimeSpan window, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _windowStart = time.GetTimestamp();
    private int _used;

    public bool TryTake()
    {
        lock (_lock)
        {
            if (time.GetElapsedTime(_windowStart) >= window)
            {
                _windowStart = time.GetTimestamp();
                _used = 0;
            }
            if (_used >= permits) return false;
            _used++;
            return true;
        }
    }
}
