using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Concord.Bench;

// Concord.Bench: fills one channel with N messages in PostgreSQL, then measures the running server.
// Usage: Concord.Bench <server url> <postgres connection string> [messages=1000000] [seconds per throughput run=10]
var server = new Uri(args[0]);
var postgres = args[1];
var total = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
var seconds = args.Length > 3 ? int.Parse(args[3]) : 10;

var client = await BenchClient.RegisterAsync(server);
var fill = Stopwatch.StartNew();
var channel = await Seeder.FillAsync(postgres, client.UserId, total);
Console.WriteLine($"filled channel {channel.ChannelId} with {total:N0} messages in {fill.Elapsed.TotalSeconds:F1} s");

var url = $"/api/channels/{channel.ChannelId}/messages";
// A deep cursor: 90% of the way back in the channel's history.
var deep = $"{url}?limit=50&before={channel.DeepCursor}";
await Check(client, url + "?limit=50");
await Check(client, deep);

var results = new List<Measurement>
{
    await Measure.LatencyAsync("GET first page (limit 50)", 2000, () => client.Http.GetAsync(url + "?limit=50")),
    await Measure.LatencyAsync("GET deep page (before, 90% back)", 2000, () => client.Http.GetAsync(deep)),
    await Measure.LatencyAsync("POST message", 2000, () => client.Http.PostAsJsonAsync(url, new { content = "benchmark message" })),
};
var throughput = new List<(string, double)>
{
    ("GET first page, 16 clients", await Measure.ThroughputAsync(16, seconds, () => client.Http.GetAsync(url + "?limit=50"))),
    ("GET deep page, 16 clients", await Measure.ThroughputAsync(16, seconds, () => client.Http.GetAsync(deep))),
    ("POST message, 16 clients", await Measure.ThroughputAsync(16, seconds, () => client.Http.PostAsJsonAsync(url, new { content = "benchmark message" }))),
};

Console.WriteLine();
Console.WriteLine("| operation (sequential, 1 client) | requests | p50 ms | p99 ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var m in results) Console.WriteLine($"| {m.Name} | {m.Count} | {m.P50:F2} | {m.P99:F2} | {m.Max:F2} |");
Console.WriteLine();
Console.WriteLine("| operation (throughput) | requests/s |");
Console.WriteLine("|---|---:|");
foreach (var (name, rps) in throughput) Console.WriteLine($"| {name} | {rps:F0} |");

static async Task Check(BenchClient client, string url)
{
    var response = await client.Http.GetAsync(url);
    response.EnsureSuccessStatusCode();
    var page = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (page.GetArrayLength() != 50) throw new InvalidOperationException($"{url} returned {page.GetArrayLength()} messages, expected 50");
}

namespace Concord.Bench
{
    internal sealed record BenchClient(HttpClient Http, long UserId)
    {
        public static async Task<BenchClient> RegisterAsync(Uri server)
        {
            var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), MaxConnectionsPerServer = 64 };
            var http = new HttpClient(handler) { BaseAddress = server };
            var name = "bench" + Guid.NewGuid().ToString("N")[..8];
            var response = await http.PostAsJsonAsync("/api/auth/register", new { email = $"{name}@bench.test", username = name, password = "bench-password-1" });
            response.EnsureSuccessStatusCode();
            http.DefaultRequestHeaders.Add("X-CSRF-Token", response.Headers.GetValues("X-CSRF-Token").First());
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            return new BenchClient(http, long.Parse(id));
        }
    }

    internal sealed record Measurement(string Name, int Count, double P50, double P99, double Max);

    internal static class Measure
    {
        public static async Task<Measurement> LatencyAsync(string name, int count, Func<Task<HttpResponseMessage>> send)
        {
            for (var i = 0; i < 500; i++) (await send()).EnsureSuccessStatusCode(); // warm-up (JIT tiering, pools, plan cache)
            var samples = new double[count];
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await send();
                await response.Content.ReadAsByteArrayAsync();
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                response.EnsureSuccessStatusCode();
            }
            Array.Sort(samples);
            return new Measurement(name, count, samples[count / 2], samples[(int)(count * 0.99)], samples[^1]);
        }

        public static async Task<double> ThroughputAsync(int clients, int seconds, Func<Task<HttpResponseMessage>> send)
        {
            var done = 0L;
            var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                while (Stopwatch.GetTimestamp() < until)
                {
                    using var response = await send();
                    await response.Content.ReadAsByteArrayAsync();
                    response.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref done);
                }
            }));
            return done / watch.Elapsed.TotalSeconds;
        }
    }
}
