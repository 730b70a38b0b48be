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

internal static class BudgetedEvents
{
    private static readonly ApiError TooMany = new(ErrorCode.RateLimited, "Too many events from this connection; slow down.");

    /// <summary>
    /// Registers <paramref name="handler"/> behind the socket's event budget (over it, the ack says rate_limited), and
    /// answers the ack when the handler throws (<see cref="EventFailures"/>): every event that carries an ack gets one.
    /// </summary>
    public static void OnEvent(this SocketIOSocket socket, SocketUser user, string eventName, Func<SocketIOEvent, Task> handler) =>
        socket.On(eventName, e =>
        {
            if (user.Budget?.TryTake() == false)
            {
                e.Ack(Ack.Error(TooMany));
                return Task.CompletedTask;
            }
            Task running;
            try
            {
                running = handler(e);
            }
            catch (Exception ex)
            {
                Fail(e, user, ex);
                return Task.CompletedTask;
            }
            return running.IsCompletedSuccessfully ? running : Guarded(running, e, user);
        });

    private static async Task Guarded(Task running, SocketIOEvent e, SocketUser user)
    {
        try
        {
            await running;
        }
        catch (Exception ex)
        {
            Fail(e, user, ex);
        }
    }

    private static void Fail(SocketIOEvent e, SocketUser user, Exception ex)
    {
        if (user.Failures is { } failures) failures.Answer(e, user, ex);
        else e.Ack(Ack.Error(new ApiError(ErrorCode.Internal)));
    }
}
