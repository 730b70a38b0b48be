using System.Diagnostics;
using System.Text.Json;
using Concord.SocketIO.Load;

// Usage:
//   Concord.SocketIO.Load run <name> <base-url> <server-pid> <out.json> [idle=10000] [deliveries/s=30000] [measure s=6]
//   Concord.SocketIO.Load table <a.json> <b.json> …
//   Concord.SocketIO.Load hold <base-url> <count> <seconds>
//   Concord.SocketIO.Load gateway <name> <base-url> <server-pid> <out.json> [idle=10000] [sends/s=100] [measure s=10] [receivers=200] [senders=20] [window=4]
//   Concord.SocketIO.Load gateway-hold <base-url> <count> <seconds>   (registered users, connected with tokens, servers joined)
var json = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
if (args is ["table", .. var files])
{
    Table.Print([.. files.Select(f => JsonSerializer.Deserialize<RunResult>(File.ReadAllText(f), json)!)], Console.Out);
    return 0;
}
if (args is ["hold", var holdUrl, var holdCount, var holdSeconds])
{
    // Manual profiling aid: N idle clients held open (e.g. while taking a dotnet-gcdump of the server).
    using var holder = new Target("hold", new Uri(holdUrl), Environment.ProcessId);
    var held = await holder.ConnectManyAsync(int.Parse(holdCount), null);
    Console.WriteLine($"holding {held.Length} connections");
    await Task.Delay(TimeSpan.FromSeconds(double.Parse(holdSeconds)));
    return 0;
}
if (args is ["gateway", var gwName, var gwUrl, var gwPid, var gwOut, .. var gwRest])
{
    int Arg(int i, int fallback) => gwRest.Length > i ? int.Parse(gwRest[i]) : fallback;
    var (gwIdle, gwRate, gwSeconds, receivers, senders, gwWindow) = (Arg(0, 10_000), Arg(1, 100), Arg(2, 10), Arg(3, 200), Arg(4, 20), Arg(5, 4));
    ThreadPool.SetMinThreads(16, 16);
    using var gwTarget = new Target(gwName, new Uri(gwUrl), int.Parse(gwPid));
    var gateway = new Gateway(gwTarget);
    var setup = Stopwatch.GetTimestamp();
    var users = Math.Max(gwIdle, senders + receivers) + 1;
    await gateway.SetupAsync(users);
    Console.WriteLine($"== {gwName}: {users:N0} users registered and joined one server in {Stopwatch.GetElapsedTime(setup).TotalSeconds:0} s");
    var gwIdleResult = await gateway.IdleAsync(1, gwIdle, TimeSpan.FromSeconds(3));
    Console.WriteLine($"   {gwIdle:N0} idle authenticated connections: {gwIdleResult.RssPerConnectionKb:0.0} KB RSS per connection ({gwIdleResult.ConnectSeconds:0.0} s to connect and join), dropped {gwIdleResult.DroppedClients}");
    var gwSteps = await gateway.SendsAsync(1, senders, receivers, gwRate, gwWindow, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(gwSeconds));
    foreach (var s in gwSteps)
        Console.WriteLine($"   {s.Step}: {s.SendsPerSecond:N0} sends/s, ack p50 {s.AckP50Ms:0.0} / p99 {s.AckP99Ms:0.0} ms, delivery p50 {s.P50Ms:0.0} / p99 {s.P99Ms:0.0} ms, " +
            $"{s.ServerCpuPerSendMs:0.00} CPU ms/send ({s.ServerCpuPercent:0}%), {s.RoundTripsPerSend:0.0} DB round trips/send, failed {s.Failed}, lost {s.Lost}, unacked {s.Unacked}, dropped {s.DroppedClients}");
    File.WriteAllText(gwOut, JsonSerializer.Serialize(new RunResult(gwName, gwIdleResult, gwSteps), json));
    return 0;
}
if (args is ["gateway-hold", var ghUrl, var ghCount, var ghSeconds])
{
    using var ghTarget = new Target("hold", new Uri(ghUrl), Environment.ProcessId);
    var gateway = new Gateway(ghTarget);
    await gateway.SetupAsync(int.Parse(ghCount) + 1);
    Console.WriteLine("registered");
    await gateway.IdleAsync(1, int.Parse(ghCount), TimeSpan.FromSeconds(double.Parse(ghSeconds)), 
        // The heap script takes its "before" dump here and then writes a line to our input.
        onWarm: () => { Console.WriteLine("warmed"); Console.ReadLine(); },
        onHeld: () => Console.WriteLine($"holding {ghCount} connections"));
    return 0;
}
if (args is not ["run", var name, var url, var pidText, var outFile, .. var rest])
{
    Console.Error.WriteLine("usage: run <name> <base-url> <server-pid> <out.json> [idle] [deliveries/s] [measure-seconds] | table <json>…");
    return 2;
}
var idleCount = rest.Length > 0 ? int.Parse(rest[0]) : 10_000;
var fixedRate = rest.Length > 1 ? double.Parse(rest[1]) : 30_000;
var measure = TimeSpan.FromSeconds(rest.Length > 2 ? double.Parse(rest[2]) : 6);
var warmup = TimeSpan.FromSeconds(2);
const int payloadBytes = 64;
// Deliveries kept in flight by the closed-loop step: enough to keep both servers busy, few enough that no
// outbound queue (Concord's bound is 1,024 packets per connection) comes near its limit.
const int inFlightDeliveries = 8_000;

ThreadPool.SetMinThreads(16, 16);
using var target = new Target(name, new Uri(url), int.Parse(pidText));

Console.WriteLine($"== {name}: {idleCount:N0} idle connections");
var idle = await IdleCapacity.RunAsync(target, idleCount);
Console.WriteLine($"   {idle.RssPerConnectionKb:0.0} KB RSS, {idle.HeapPerConnectionKb:0.0} KB heap per connection ({idle.ConnectSeconds:0.0} s to connect)");

// BENCH_SCENARIOS=1000x5 (or 1x1000) and BENCH_STEPS=fixed (or max) run a subset: a quick loop for one scenario's step.
var onlyScenarios = Environment.GetEnvironmentVariable("BENCH_SCENARIOS") is { Length: > 0 } sc ? sc.Split(',') : null;
var onlySteps = Environment.GetEnvironmentVariable("BENCH_STEPS") is { Length: > 0 } st ? st.Split(',') : null;
var steps = new List<StepResult>();
foreach (var (rooms, perRoom) in new[] { (1, 1000), (1000, 5) })
{
    if (onlyScenarios is not null && !onlyScenarios.Contains($"{rooms}x{perRoom}")) continue;
    var fanOut = new FanOut(target, rooms, perRoom, payloadBytes);
    Console.WriteLine($"== {name}: fan-out {fanOut.Name}");
    var started = Stopwatch.GetTimestamp();
    await fanOut.SetupAsync();
    Console.WriteLine($"   connected and joined in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    var window = Math.Max(1, (int)Math.Round((double)inFlightDeliveries / (rooms * perRoom)));
    foreach (var (stepName, step) in new (string, Func<Task<StepResult>>)[] { ("fixed", () => fanOut.FixedRateAsync(fixedRate, warmup, measure)), ("max", () => fanOut.MaxAsync(window, warmup, measure)) })
    {
        if (onlySteps is not null && !onlySteps.Contains(stepName)) continue;
        var result = await step();
        steps.Add(result);
        Console.WriteLine($"   {result.Step}: {result.DeliveriesPerSecond:N0} deliveries/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, " +
            $"server {result.ServerCpuPer1000:0.0000} CPU s/1k ({result.ServerCpuPercent:0}%), {result.WorkItemsPerDelivery:0.00} work items and {result.ContextSwitchesPerDelivery:0.00} context switches per delivery, generator {result.GeneratorCpuPercent:0}%, lost {result.Lost}, dropped {result.DroppedClients}");
    }
    fanOut.Close();
    await Task.Delay(1000);
}

File.WriteAllText(outFile, JsonSerializer.Serialize(new RunResult(name, idle, steps), json));
return 0;
