namespace Concord.Server.Features.Calls;

/// <summary>
/// Runs work one after another, in the order <see cref="RunAsync{T}"/> was called, each awaited to its end before the
/// next starts. A socket's call changes go through one: its events are dispatched in order, but their handlers are
/// asynchronous, so without it a <c>leave-call</c> sent right after <c>join-call</c> could finish first.
/// </summary>
public sealed class SerialQueue
{
    private readonly Lock _lock = new();
    private Task _tail = Task.CompletedTask;

    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        // Taken before the first await, so the order is the callers'.
        lock (_lock) (previous, _tail) = (_tail, done.Task);
        try
        {
            await previous; // never faults: it is the previous caller's `done`
            return await work();
        }
        finally
        {
            done.SetResult();
        }
    }
}
