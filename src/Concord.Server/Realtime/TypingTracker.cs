using System.Collections.Concurrent;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// Typing indicators end by themselves: each start (re)arms a timer; when it fires, when the user
/// stops, or when the user's message is sent (over the socket or REST), the room gets <c>typing-stop</c>.
/// The state lives on the node whose socket started it; a REST send handled by another node leaves it
/// to the timer there (clients, as Discord's do, also treat the author's new message as the end).
/// </summary>
public sealed class TypingTracker(SocketIOServer io, RealtimeOptions options, TimeProvider time)
{
    private sealed record Typing(ITimer Timer, TypingEvent StopPayload);

    private readonly ConcurrentDictionary<(long UserId, string Room), Typing> _typing = new();

    public void Started(long userId, string room, TypingEvent stopPayload)
    {
        var key = (userId, room);
        var typing = _typing.GetOrAdd(key, k => new Typing(
            time.CreateTimer(_ => Stop(k.UserId, k.Room), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan), stopPayload));
        typing.Timer.Change(options.TypingTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends a typing state if there is one; returns whether there was.</summary>
    public bool Stop(long userId, string room)
    {
        if (!_typing.TryRemove((userId, room), out var typing)) return false;
        typing.Timer.Dispose();
        _ = io.To(room).Emit(ServerEvents.TypingStop, typing.StopPayload);
        return true;
    }
}
