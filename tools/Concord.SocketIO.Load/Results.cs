using System.Diagnostics;

namespace Concord.SocketIO.Load;

/// <summary>A point in time: deliveries so far and CPU seconds used by the server and by this generator.</summary>
internal readonly record struct Sample(long Timestamp, long Delivered, double ServerCpu, double GeneratorCpu)
{
    public static Sample Take(int serverPid, long delivered) =>
        new(Stopwatch.GetTimestamp(), delivered, ProcStats.CpuSeconds(serverPid), ProcStats.CpuSeconds(Environment.ProcessId));
}

internal sealed record StepResult(
    string Scenario, string Step, double OfferedPerSecond, double DeliveriesPerSecond,
    double P50Ms, double P99Ms, double MaxMs, double ServerCpuPer1000, double ServerCpuPercent, double GeneratorCpuPercent,
    long Lost, int DroppedClients)
{
    public static StepResult From(string scenario, string step, double offered, Sample before, Sample after, Histogram latency, long lost, int dropped)
    {
        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var deliveries = after.Delivered - before.Delivered;
        var serverCpu = after.ServerCpu - before.ServerCpu;
        return new(scenario, step, offered, deliveries / seconds,
            latency.PercentileMs(0.50), latency.PercentileMs(0.99), latency.MaxMs,
            deliveries == 0 ? double.NaN : serverCpu / deliveries * 1000,
            serverCpu / seconds * 100, (after.GeneratorCpu - before.GeneratorCpu) / seconds * 100, lost, dropped);
    }
}

internal sealed record IdleResult(int Connections, double ConnectSeconds, long RssDeltaBytes, long HeapDeltaBytes, long RssBeforeBytes, int DroppedClients)
{
    public double RssPerConnectionKb => RssDeltaBytes / 1024.0 / Connections;
    public double HeapPerConnectionKb => HeapDeltaBytes / 1024.0 / Connections;
}

internal sealed record RunResult(string Server, IdleResult Idle, List<StepResult> Steps);

/// <summary>The side-by-side Markdown tables printed at the end of tools/bench-socketio.sh.</summary>
internal static class Table
{
    public static void Print(IReadOnlyList<RunResult> runs, TextWriter output)
    {
        output.WriteLine("| idle WebSocket connections | " + string.Join(" | ", runs.Select(r => r.Server)) + " |");
        output.WriteLine("|---|" + string.Concat(runs.Select(_ => "---:|")));
        Row(output, runs, "connections", r => $"{r.Idle.Connections:N0}");
        Row(output, runs, "connect time (s)", r => $"{r.Idle.ConnectSeconds:0.0}");
        Row(output, runs, "RSS before (MB)", r => $"{r.Idle.RssBeforeBytes / 1048576.0:0.0}");
        Row(output, runs, "RSS delta (MB)", r => $"{r.Idle.RssDeltaBytes / 1048576.0:0.0}");
        Row(output, runs, "**RSS per connection (KB)**", r => $"**{r.Idle.RssPerConnectionKb:0.0}**");
        Row(output, runs, "heap per connection (KB)", r => $"{r.Idle.HeapPerConnectionKb:0.0}");
        Row(output, runs, "clients dropped", r => $"{r.Idle.DroppedClients}");
        output.WriteLine();

        output.WriteLine("| scenario | step | server | deliveries/s | p50 ms | p99 ms | max ms | server CPU s / 1k deliveries | server CPU % | generator CPU % | lost | dropped |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var keys = runs.SelectMany(r => r.Steps.Select(s => (s.Scenario, s.Step))).Distinct();
        foreach (var (scenario, step) in keys)
        {
            foreach (var run in runs)
            {
                var s = run.Steps.FirstOrDefault(x => x.Scenario == scenario && x.Step == step);
                if (s is null) continue;
                output.WriteLine($"| {scenario} | {step} | {run.Server} | {s.DeliveriesPerSecond:N0} | {s.P50Ms:0.00} | {s.P99Ms:0.00} | {s.MaxMs:0.0} | " +
                    $"{s.ServerCpuPer1000:0.0000} | {s.ServerCpuPercent:0} | {s.GeneratorCpuPercent:0} | {s.Lost} | {s.DroppedClients} |");
            }
        }
    }

    private static void Row(TextWriter output, IReadOnlyList<RunResult> runs, string label, Func<RunResult, string> cell) =>
        output.WriteLine($"| {label} | " + string.Join(" | ", runs.Select(cell)) + " |");
}
