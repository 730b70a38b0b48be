using System.Diagnostics;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// Milliseconds on the high-resolution monotonic clock, for heartbeat deadlines. Not Environment.TickCount64: on Linux
/// it reads a coarse clock (a few ms per step), which let a ping or a close come a few ms before it was due.
/// </summary>
internal static class MonotonicClock
{
    private static readonly long TicksPerMillisecond = Stopwatch.Frequency / 1000;

    public static long NowMs => Stopwatch.GetTimestamp() / TicksPerMillisecond;
}
