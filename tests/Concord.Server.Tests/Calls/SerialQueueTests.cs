using Concord.Server.Features.Calls;

namespace Concord.Server.Tests.Calls;

/// <summary>A socket's call changes run one at a time in the order they arrived, whatever each one waits on.</summary>
public sealed class SerialQueueTests
{
    [Fact]
    public async Task WorkRunsInCallOrderAndTheNextStartsOnlyWhenThePreviousEnded()
    {
        var queue = new SerialQueue();
        var order = new List<string>();
        var slowMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var slow = queue.RunAsync(async () => { order.Add("join starts"); await slowMayFinish.Task; order.Add("join ends"); return 1; });
        var quick = queue.RunAsync(() => { order.Add("leave"); return Task.FromResult(2); });

        Assert.Equal(["join starts"], order);
        Assert.False(quick.IsCompleted);
        slowMayFinish.SetResult();
        Assert.Equal((1, 2), (await slow, await quick));
        Assert.Equal(["join starts", "join ends", "leave"], order);
    }

    [Fact]
    public async Task AFailureIsItsCallersAndDoesNotStopTheQueue()
    {
        var queue = new SerialQueue();
        var failing = queue.RunAsync<int>(() => throw new InvalidOperationException("registry down"));
        var next = queue.RunAsync(() => Task.FromResult(7));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(7, await next);
    }
}
