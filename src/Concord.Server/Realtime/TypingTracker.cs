using System.Collections.Concurrent;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// Typing indicators end by themselves: each start (re)arms a timer; when it fires, when the user
/// stops, or when the user's message is sent, the room gets <c>typing-stop</c>.
/// </summary>
public sealed class TypingTracker(SocketIOServer io, RealtimeOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(long UserId, string Room), ITimer> _timers = new();

    public void Started(long userId, string room, object stopPayload)
    {
        var key = (userId, room);
        var timer = _timers.GetOrAdd(key, k => time.CreateTimer(_ => Stop(k.UserId, k.Room, stopPayload), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        timer.Change(options.TypingTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends a typing state if there is one; returns whether there was.</summary>
    public bool Stop(long userId, string room, object stopPayload)
    {
        if (!_timers.TryRemove((userId, room), out var timer)) return false;
        timer.Dispose();
        _ = io.To(room).Emit("typing-stop", stopPayload);
        return true;
    }
}
