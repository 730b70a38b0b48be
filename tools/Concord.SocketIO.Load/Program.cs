using System.Diagnostics;
using System.Text.Json;
using Concord.SocketIO.Load;

// Usage:
//   Concord.SocketIO.Load run <name> <base-url> <server-pid> <out.json> [idle=10000] [deliveries/s=30000] [measure s=6]
//   Concord.SocketIO.Load table <a.json> <b.json> …
//   Concord.SocketIO.Load hold <base-url> <count> <seconds>
var json = new JsonSerializerOptions { WriteIndented = true };
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

var steps = new List<StepResult>();
foreach (var (rooms, perRoom) in new[] { (1, 1000), (1000, 5) })
{
    var fanOut = new FanOut(target, rooms, perRoom, payloadBytes);
    Console.WriteLine($"== {name}: fan-out {fanOut.Name}");
    var started = Stopwatch.GetTimestamp();
    await fanOut.SetupAsync();
    Console.WriteLine($"   connected and joined in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    var window = Math.Max(1, (int)Math.Round((double)inFlightDeliveries / (rooms * perRoom)));
    foreach (var step in new[] { () => fanOut.FixedRateAsync(fixedRate, warmup, measure), () => fanOut.MaxAsync(window, warmup, measure) })
    {
        var result = await step();
        steps.Add(result);
        Console.WriteLine($"   {result.Step}: {result.DeliveriesPerSecond:N0} deliveries/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, " +
            $"server {result.ServerCpuPer1000:0.0000} CPU s/1k ({result.ServerCpuPercent:0}%), generator {result.GeneratorCpuPercent:0}%, lost {result.Lost}, dropped {result.DroppedClients}");
    }
    fanOut.Close();
    await Task.Delay(1000);
}

File.WriteAllText(outFile, JsonSerializer.Serialize(new RunResult(name, idle, steps), json));
return 0;
