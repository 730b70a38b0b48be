using System.Diagnostics;

namespace Concord.SocketIO.Load;

/// <summary>A point in time: deliveries so far and CPU seconds used by the server and by this generator.</summary>
internal readonly record struct Sample(long Timestamp, long Delivered, double ServerCpu, double GeneratorCpu, long ServerContextSwitches)
{
    public static Sample Take(int serverPid, long delivered) =>
        new(Stopwatch.GetTimestamp(), delivered, ProcStats.CpuSeconds(serverPid), ProcStats.CpuSeconds(Environment.ProcessId), ProcStats.ContextSwitches(serverPid));
}

internal sealed record StepResult(
    string Scenario, string Step, double OfferedPerSecond, double DeliveriesPerSecond,
    double P50Ms, double P99Ms, double MaxMs, double ServerCpuPer1000, double ServerCpuPercent, double GeneratorCpuPercent,
    long Lost, int DroppedClients)
{
    /// <summary>Send → ack latency of the emitting clients (emitWithAck), and sends never acked.</summary>
    public double AckP50Ms { get; init; } = double.NaN;
    public double AckP99Ms { get; init; } = double.NaN;
    public long Unacked { get; init; }
    /// <summary>Gateway steps: acked sends per second, sends whose ack said ok:false, server CPU ms and database round trips per send.</summary>
    public double SendsPerSecond { get; init; }
    public long Failed { get; init; }
    public double ServerCpuPerSendMs { get; init; } = double.NaN;
    public double RoundTripsPerSend { get; init; } = double.NaN;
    /// <summary>Bytes the server allocated per delivery over the step (.NET hosts; NaN for Node).</summary>
    public double AllocatedBytesPerDelivery { get; init; } = double.NaN;
    /// <summary>Thread-pool work items the server completed per delivery over the step (.NET hosts; NaN for Node).</summary>
    public double WorkItemsPerDelivery { get; init; } = double.NaN;
    /// <summary>Context switches of all the server's threads per delivery over the step (any server: from /proc).</summary>
    public double ContextSwitchesPerDelivery { get; init; } = double.NaN;

    public static StepResult From(string scenario, string step, double offered, Sample before, Sample after, Histogram latency, long lost, int dropped)
    {
        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var deliveries = after.Delivered - before.Delivered;
        var serverCpu = after.ServerCpu - before.ServerCpu;
        return new(scenario, step, offered, deliveries / seconds,
            latency.PercentileMs(0.50), latency.PercentileMs(0.99), latency.MaxMs,
            deliveries == 0 ? double.NaN : serverCpu / deliveries * 1000,
            serverCpu / seconds * 100, (after.GeneratorCpu - before.GeneratorCpu) / seconds * 100, lost, dropped)
        {
            ContextSwitchesPerDelivery = deliveries == 0 ? double.NaN : (double)(after.ServerContextSwitches - before.ServerContextSwitches) / deliveries,
        };
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
        Row(output, runs, "heap per connection (KB)", r => r.Idle.HeapDeltaBytes == 0 ? "–" : $"{r.Idle.HeapPerConnectionKb:0.0}");
        Row(output, runs, "clients dropped", r => $"{r.Idle.DroppedClients}");
        output.WriteLine();

        var keys = runs.SelectMany(r => r.Steps.Where(s => s.SendsPerSecond == 0).Select(s => (s.Scenario, s.Step))).Distinct().ToList();
        PrintSends(runs, output);
        if (keys.Count == 0) return;
        output.WriteLine("| scenario | step | server | deliveries/s | p50 ms | p99 ms | max ms | ack p99 ms | server CPU s / 1k deliveries | alloc B / delivery | work items / delivery | context switches / delivery | server CPU % | generator CPU % | lost | unacked | dropped |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (scenario, step) in keys)
        {
            foreach (var run in runs)
            {
                var s = run.Steps.FirstOrDefault(x => x.Scenario == scenario && x.Step == step);
                if (s is null) continue;
                output.WriteLine($"| {scenario} | {step} | {run.Server} | {s.DeliveriesPerSecond:N0} | {s.P50Ms:0.00} | {s.P99Ms:0.00} | {s.MaxMs:0.0} | {s.AckP99Ms:0.00} | " +
                    $"{s.ServerCpuPer1000:0.0000} | {(double.IsNaN(s.AllocatedBytesPerDelivery) ? "–" : s.AllocatedBytesPerDelivery.ToString("0"))} | {(double.IsNaN(s.WorkItemsPerDelivery) ? "–" : s.WorkItemsPerDelivery.ToString("0.00"))} | {s.ContextSwitchesPerDelivery:0.00} | {s.ServerCpuPercent:0} | {s.GeneratorCpuPercent:0} | {s.Lost} | {s.Unacked} | {s.DroppedClients} |");
            }
        }

        // Ratios of the medians over the runs of each server (the runs alternate in pairs; see the script).
        var servers = runs.Select(r => r.Server).Distinct().ToList();
        if (servers.Count != 2) return;
        var (a, b) = (servers[0], servers[1]);
        output.WriteLine();
        output.WriteLine($"| ratio {a} ÷ {b} (medians of {runs.Count(r => r.Server == a)} and {runs.Count(r => r.Server == b)} runs) | deliveries/s | p99 | server CPU per delivery |");
        output.WriteLine("|---|---:|---:|---:|");
        output.WriteLine($"| idle: RSS per connection | | | {Median(runs, a, r => r.Idle.RssPerConnectionKb) / Median(runs, b, r => r.Idle.RssPerConnectionKb):0.00}× (memory) |");
        foreach (var (scenario, step) in keys)
        {
            double Of(string server, Func<StepResult, double> f) => Median(runs, server, r => r.Steps.FirstOrDefault(x => x.Scenario == scenario && x.Step == step) is { } s ? f(s) : double.NaN);
            output.WriteLine($"| {scenario}, {step} | {Of(a, s => s.DeliveriesPerSecond) / Of(b, s => s.DeliveriesPerSecond):0.00}× | " +
                $"{Of(a, s => s.P99Ms) / Of(b, s => s.P99Ms):0.00}× | {Of(a, s => s.ServerCpuPer1000) / Of(b, s => s.ServerCpuPer1000):0.00}× |");
        }
    }

    private static void PrintSends(IReadOnlyList<RunResult> runs, TextWriter output)
    {
        if (!runs.Any(r => r.Steps.Any(s => s.SendsPerSecond > 0))) return;
        output.WriteLine("| scenario | step | server | sends/s (acked) | ack p50 ms | ack p99 ms | delivery p50 ms | delivery p99 ms | deliveries/s | server CPU ms / send | DB round trips / send | server CPU % | failed | lost | unacked | dropped |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
            foreach (var s in run.Steps.Where(s => s.SendsPerSecond > 0))
                output.WriteLine($"| {s.Scenario} | {s.Step} | {run.Server} | {s.SendsPerSecond:N0} | {s.AckP50Ms:0.0} | {s.AckP99Ms:0.0} | {s.P50Ms:0.0} | {s.P99Ms:0.0} | " +
                    $"{s.DeliveriesPerSecond:N0} | {s.ServerCpuPerSendMs:0.00} | {s.RoundTripsPerSend:0.0} | {s.ServerCpuPercent:0} | {s.Failed} | {s.Lost} | {s.Unacked} | {s.DroppedClients} |");
        output.WriteLine();
    }

    private static double Median(IEnumerable<RunResult> runs, string server, Func<RunResult, double> value)
    {
        var values = runs.Where(r => r.Server == server).Select(value).Where(v => !double.IsNaN(v)).Order().ToList();
        return values.Count == 0 ? double.NaN : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static void Row(TextWriter output, IReadOnlyList<RunResult> runs, string label, Func<RunResult, string> cell) =>
        output.WriteLine($"| {label} | " + string.Join(" | ", runs.Select(cell)) + " |");
}
