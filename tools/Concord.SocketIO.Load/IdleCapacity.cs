using System.Diagnostics;

namespace Concord.SocketIO.Load;

/// <summary>
/// Memory per idle connection: RSS (from /proc) and heap (from the server's probe, after a full GC)
/// before and after N clients connect to "/" and sit idle, divided by N.
/// </summary>
internal static class IdleCapacity
{
    public static async Task<IdleResult> RunAsync(Target target, int count)
    {
        // Warm-up so code paths and pools touched by the first connections are in the baseline, not in the delta.
        foreach (var client in await target.ConnectManyAsync(Math.Min(500, count), null)) client.Dispose();
        await Task.Delay(1500);

        var heapBefore = (await target.ProbeMemoryAsync()).HeapBytes;
        await Task.Delay(500);
        var rssBefore = ProcStats.RssBytes(target.Pid);

        var started = Stopwatch.GetTimestamp();
        var clients = await target.ConnectManyAsync(count, null);
        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.Delay(2000);

        var heapAfter = (await target.ProbeMemoryAsync()).HeapBytes;
        await Task.Delay(500);
        var rssAfter = ProcStats.RssBytes(target.Pid);
        var dropped = clients.Count(c => c.Dropped);
        foreach (var client in clients) client.Dispose();
        await Task.Delay(1000);
        return new IdleResult(count, connectSeconds, rssAfter - rssBefore, heapAfter - heapBefore, rssBefore, dropped);
    }
}
