using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Concord.SocketIO.Load;

/// <summary>
/// Concord.Server's own gateway, driven as its users drive it: accounts made through the API, sockets that connect with
/// an access token (<c>auth: {token}</c>), join their servers and a channel with acked events, and send messages with
/// acked <c>send-message</c> events carrying a fresh payload; every member of the channel receives <c>new-message</c>.
/// </summary>
internal sealed class Gateway(Target target)
{
    private readonly string _run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(100, 999);
    private string[] _tokens = [];
    private long _channelId;
    private Histogram _delivery = new(), _ack = new();
    private long _delivered, _sent, _acked, _failed;

    /// <summary>Registers <paramref name="users"/> accounts (32 at a time), one of them creates a server, all join it.</summary>
    public async Task SetupAsync(int users)
    {
        _tokens = new string[users];
        await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var email = $"g{_run}_{i}@bench.test";
            await PostAsync("/api/auth/register", new { email, username = $"g{_run}_{i}", password = "password-123" }, null);
            _tokens[i] = (await PostAsync("/api/auth/token", new { email, password = "password-123" }, null)).GetProperty("accessToken").GetString()!;
        });
        var server = await PostAsync("/api/servers", new { name = $"bench {_run}" }, _tokens[0]);
        var serverId = server.GetProperty("id").GetRawText().Trim('"');
        var inviteCode = server.GetProperty("inviteCode").GetString()!;
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/servers/{serverId}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[0]);
            using var response = await target.Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var detail = await response.Content.ReadFromJsonAsync<JsonElement>();
            var channel = detail.GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "text");
            _channelId = long.Parse(channel.GetProperty("id").GetRawText().Trim('"'), CultureInfo.InvariantCulture);
        }
        await Parallel.ForEachAsync(Enumerable.Range(1, users - 1), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await PostAsync("/api/servers/join", new { inviteCode }, _tokens[i]));
    }

    private string Auth(int user) => $"{{\"token\":\"{_tokens[user]}\"}}";

    /// <summary>
    /// RSS per idle connection: users [from, from + count) connect, join their servers (acked) and idle. The process's RSS is
    /// compared after a warm-up of 200 connections that left. Concord.Server has no forced-collection probe, so RSS
    /// includes what the GC has not collected yet; the heap attribution (tools/socketio-idle-heap.sh) counts live objects.
    /// </summary>
    public async Task<IdleResult> IdleAsync(int from, int count, TimeSpan hold, Action? onWarm = null, Action? onHeld = null)
    {
        var warm = await target.ConnectManyAsync(Math.Min(200, count), null, i => Auth(from + i));
        foreach (var client in warm) client.Dispose();
        await Task.Delay(3000);
        onWarm?.Invoke();
        var rssBefore = ProcStats.RssBytes(target.Pid);
        var started = Stopwatch.GetTimestamp();
        var clients = await target.ConnectManyAsync(count, null, i => Auth(from + i));
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (c, _) => await c.EmitWithAckAsync("\"join-servers\""));
        var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        onHeld?.Invoke();
        await Task.Delay(hold);
        var rssAfter = ProcStats.RssBytes(target.Pid);
        var dropped = clients.Count(c => c.Dropped);
        foreach (var client in clients) client.Dispose();
        await Task.Delay(1000);
        return new IdleResult(count, connectSeconds, rssAfter - rssBefore, 0, rssBefore, dropped);
    }

    /// <summary>Senders and receivers in one channel; users [from, from + senders + receivers).</summary>
    public async Task<List<StepResult>> SendsAsync(int from, int senders, int receivers, double rate, int window, TimeSpan warmup, TimeSpan measure)
    {
        var members = senders + receivers;
        var clients = await target.ConnectManyAsync(members, OnEvent, i => Auth(from + i));
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) =>
        {
            var ack = await c.EmitWithAckAsync($"\"join-channel\",{{\"channelId\":\"{_channelId}\"}}");
            if (!ack.Contains("\"ok\":true", StringComparison.Ordinal)) throw new InvalidOperationException("join-channel: " + ack);
        });
        var senderClients = clients[..senders];
        var name = $"gateway: {senders} senders → {members} members";
        var results = new List<StepResult>
        {
            await StepAsync(name, $"fixed {rate:0}/s", clients, senderClients, rate, 0, warmup, measure),
            await StepAsync(name, $"max (window {window}/sender)", clients, senderClients, 0, window, warmup, measure),
        };
        foreach (var client in clients) client.Dispose();
        return results;
    }

    /// <summary>One step; <c>dropped</c> counts every member the server dropped (a receiver that falls behind is dropped as a slow client).</summary>
    private async Task<StepResult> StepAsync(string scenario, string step, LoadClient[] all, LoadClient[] senders, double rate, int window, TimeSpan warmup, TimeSpan measure)
    {
        var members = all.Length;
        var (sent0, delivered0) = (Interlocked.Read(ref _sent), Interlocked.Read(ref _delivered));
        using var stop = new CancellationTokenSource();
        Task load = rate > 0 ? PaceAsync(senders, rate, stop.Token) : Task.WhenAll(senders.Select(s => ClosedLoopAsync(s, window, stop.Token)));
        await Task.Delay(warmup);
        (_delivery, _ack) = (new Histogram(), new Histogram());
        var (roundTrips0, acked0) = (await RoundTripsAsync(), Interlocked.Read(ref _acked));
        var before = Sample.Take(target.Pid, Interlocked.Read(ref _delivered));
        await Task.Delay(measure);
        var after = Sample.Take(target.Pid, Interlocked.Read(ref _delivered));
        var (roundTrips1, acked1) = (await RoundTripsAsync(), Interlocked.Read(ref _acked));
        var (delivery, ack) = (_delivery, _ack);
        stop.Cancel();
        await load;
        await DrainAsync();
        var expected = (Interlocked.Read(ref _sent) - sent0) * members;
        var lost = expected - (Interlocked.Read(ref _delivered) - delivered0);
        var result = StepResult.From(scenario, step, rate, before, after, delivery, lost, all.Count(c => c.Dropped));
        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var sends = acked1 - acked0;
        return result with
        {
            AckP50Ms = ack.PercentileMs(0.50), AckP99Ms = ack.PercentileMs(0.99), Unacked = Interlocked.Read(ref _sent) - Interlocked.Read(ref _acked),
            SendsPerSecond = sends / seconds, Failed = Interlocked.Read(ref _failed),
            ServerCpuPerSendMs = sends == 0 ? double.NaN : (after.ServerCpu - before.ServerCpu) / sends * 1000,
            RoundTripsPerSend = sends == 0 || roundTrips0 < 0 ? double.NaN : (roundTrips1 - roundTrips0) / sends,
        };
    }

    private async Task PaceAsync(LoadClient[] senders, double perSecond, CancellationToken stop)
    {
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond);
            for (; sent < due && !stop.IsCancellationRequested; sent++) _ = SendAsync(senders[sent % senders.Length]);
            await Task.Delay(1, CancellationToken.None);
        }
    }

    /// <summary>A client that awaits each emitWithAck before the next, <paramref name="window"/> times over.</summary>
    private Task ClosedLoopAsync(LoadClient sender, int window, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, window).Select(async _ =>
        {
            while (!stop.IsCancellationRequested && !sender.Dropped) await SendAsync(sender);
        }));

    /// <summary>A fresh payload per send, as an application builds one; the content carries the send time for the receivers.</summary>
    private async Task SendAsync(LoadClient sender)
    {
        var seq = Interlocked.Increment(ref _sent);
        var started = Stopwatch.GetTimestamp();
        string ack;
        try
        {
            ack = await sender.EmitWithAckAsync(
                $"\"send-message\",{{\"channelId\":\"{_channelId}\",\"content\":\"t{started} bench message {seq}\",\"nonce\":\"{_run}-{seq}\"}}");
        }
        catch (TimeoutException)
        {
            return;
        }
        _ack.Record((Stopwatch.GetTimestamp() - started) * 1_000_000 / Stopwatch.Frequency);
        Interlocked.Increment(ref _acked);
        if (!ack.Contains("\"ok\":true", StringComparison.Ordinal)) Interlocked.Increment(ref _failed);
    }

    private void OnEvent(ReadOnlyMemory<byte> frame)
    {
        var now = Stopwatch.GetTimestamp();
        var span = frame.Span;
        if (!span.StartsWith("42[\"new-message\""u8)) return;
        var at = span.IndexOf("\"content\":\"t"u8);
        if (at < 0 || !Utf8Parser.TryParse(span[(at + 12)..], out long t, out _)) return;
        _delivery.Record((now - t) * 1_000_000 / Stopwatch.Frequency);
        Interlocked.Increment(ref _delivered);
    }

    private async Task DrainAsync()
    {
        var last = -1L;
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(250);
            var now = Interlocked.Read(ref _delivered) + Interlocked.Read(ref _acked);
            if (now == last && Interlocked.Read(ref _acked) == Interlocked.Read(ref _sent)) return;
            last = now;
        }
    }

    /// <summary>The server's <c>concord_db_round_trips</c> counter from /metrics (loopback may read it), or -1.</summary>
    private async Task<double> RoundTripsAsync()
    {
        try
        {
            var text = await target.Http.GetStringAsync("/metrics");
            return text.Split('\n').Where(l => l.StartsWith("concord_db_round_trips", StringComparison.Ordinal))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException)
        {
            return -1;
        }
    }

    private async Task<JsonElement> PostAsync(string path, object body, string? token)
    {
        // A string body has a Content-Length, which /api/auth/token looks at (JsonContent would be chunked).
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await target.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }
}
