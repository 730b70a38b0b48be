using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace Concord.SocketIO.Load;

/// <summary>
/// Rooms of clients; one member of each room emits <c>bcast</c> and every member (sender included)
/// receives <c>msg</c>. Each payload carries room, sequence and send time, read back at the receiver.
/// </summary>
internal sealed class FanOut(Target target, int rooms, int perRoom, int payloadBytes)
{
    private sealed class Room(int index, LoadClient sender)
    {
        public readonly int Index = index;
        public readonly LoadClient Sender = sender;
        public readonly int[] Pending = new int[64];
        public long NextSeq;
    }

    private readonly string _padding = new('x', payloadBytes);
    private Action<long> _onAck = _ => { };
    private Room[] _rooms = [];
    private LoadClient[] _clients = [];
    private Histogram _latency = new(), _ackLatency = new();
    private long _delivered, _sent, _acked;
    private volatile bool _closedLoop, _sending;

    public string Name => $"{rooms} room{(rooms == 1 ? "" : "s")} × {perRoom}";

    public async Task SetupAsync()
    {
        _onAck = OnAck;
        _clients = await target.ConnectManyAsync(rooms * perRoom, OnEvent);
        _rooms = new Room[rooms];
        for (var r = 0; r < rooms; r++) _rooms[r] = new Room(r, _clients[r * perRoom]);
        await Parallel.ForEachAsync(Enumerable.Range(0, _clients.Length), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (i, _) => await _clients[i].JoinAsync($"r{i / perRoom}"));
    }

    /// <summary>Open loop: <paramref name="deliveriesPerSecond"/> offered, paced every millisecond.</summary>
    public Task<StepResult> FixedRateAsync(double deliveriesPerSecond, TimeSpan warmup, TimeSpan measure) =>
        StepAsync($"fixed {deliveriesPerSecond / 1000:0}k/s", deliveriesPerSecond, closedLoop: false, window: 0, warmup, measure);

    /// <summary>Closed loop: each room keeps <paramref name="window"/> broadcasts in flight until every member got them.</summary>
    public Task<StepResult> MaxAsync(int window, TimeSpan warmup, TimeSpan measure) =>
        StepAsync($"max (window {window}/room)", 0, closedLoop: true, window, warmup, measure);

    private async Task<StepResult> StepAsync(string step, double rate, bool closedLoop, int window, TimeSpan warmup, TimeSpan measure)
    {
        var sent0 = Interlocked.Read(ref _sent);
        var delivered0 = Interlocked.Read(ref _delivered);
        _closedLoop = closedLoop;
        _sending = true;
        using var stop = new CancellationTokenSource();
        Task pacer;
        if (closedLoop)
        {
            foreach (var room in _rooms) Array.Clear(room.Pending);
            pacer = Task.WhenAll(_rooms.Select(async room => { for (var i = 0; i < window; i++) await SendNextAsync(room); }));
        }
        else pacer = PaceAsync(rate / perRoom, stop.Token);

        await Task.Delay(warmup);
        _latency = new Histogram();
        _ackLatency = new Histogram();
        var allocatedBefore = await target.AllocatedBytesAsync();
        var workItemsBefore = await target.WorkItemsAsync();
        var before = Sample.Take(target.Pid, Interlocked.Read(ref _delivered));
        await Task.Delay(measure);
        var after = Sample.Take(target.Pid, Interlocked.Read(ref _delivered));
        var allocatedAfter = await target.AllocatedBytesAsync();
        var workItemsAfter = await target.WorkItemsAsync();
        var latency = _latency;
        var ackLatency = _ackLatency;
        _sending = false;
        stop.Cancel();
        await pacer;
        await DrainAsync();

        var expected = (Interlocked.Read(ref _sent) - sent0) * perRoom;
        var lost = expected - (Interlocked.Read(ref _delivered) - delivered0);
        var unacked = Interlocked.Read(ref _sent) - Interlocked.Read(ref _acked);
        return StepResult.From(Name, step, rate, before, after, latency, lost, _clients.Count(c => c.Dropped)) with
        {
            AckP50Ms = ackLatency.PercentileMs(0.50), AckP99Ms = ackLatency.PercentileMs(0.99), Unacked = unacked,
            AllocatedBytesPerDelivery = allocatedBefore < 0 || after.Delivered == before.Delivered ? double.NaN
                : (double)(allocatedAfter - allocatedBefore) / (after.Delivered - before.Delivered),
            // The probe's own requests (two per step) are a handful of work items against tens of thousands of deliveries.
            WorkItemsPerDelivery = workItemsBefore < 0 || after.Delivered == before.Delivered ? double.NaN
                : (double)(workItemsAfter - workItemsBefore) / (after.Delivered - before.Delivered),
        };
    }

    private async Task PaceAsync(double broadcastsPerSecond, CancellationToken stop)
    {
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * broadcastsPerSecond);
            for (; sent < due && !stop.IsCancellationRequested; sent++) await SendNextAsync(_rooms[sent % rooms]);
            await Task.Delay(1, CancellationToken.None);
        }
    }

    private async Task DrainAsync()
    {
        var last = -1L;
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(250);
            var now = Interlocked.Read(ref _delivered);
            if (now == last) return;
            last = now;
        }
    }

    /// <summary>As an application emits: a payload built for this send, and an ack asked for (emitWithAck).</summary>
    private Task SendNextAsync(Room room)
    {
        var seq = Interlocked.Increment(ref room.NextSeq) - 1;
        Interlocked.Increment(ref _sent);
        return room.Sender.EmitAsync(
            $"\"bcast\",{{\"room\":\"r{room.Index}\",\"payload\":{{\"r\":{room.Index},\"s\":{seq},\"t\":{Stopwatch.GetTimestamp()},\"p\":\"{_padding}\"}}}}",
            _onAck);
    }

    private void OnAck(long micros)
    {
        _ackLatency.Record(micros);
        Interlocked.Increment(ref _acked);
    }

    private void OnEvent(ReadOnlyMemory<byte> frame)
    {
        var now = Stopwatch.GetTimestamp();
        var span = frame.Span;
        if (!TryReadNumber(ref span, "\"r\":"u8, out var r) || !TryReadNumber(ref span, "\"s\":"u8, out var s) || !TryReadNumber(ref span, "\"t\":"u8, out var t)) return;
        _latency.Record((now - t) * 1_000_000 / Stopwatch.Frequency);
        Interlocked.Increment(ref _delivered);
        if (!_closedLoop) return;
        var room = _rooms[r];
        ref var pending = ref room.Pending[s & 63];
        if (Interlocked.Increment(ref pending) != perRoom) return;
        Volatile.Write(ref pending, 0);
        if (_sending) _ = SendNextAsync(room);
    }

    private static bool TryReadNumber(ref ReadOnlySpan<byte> span, ReadOnlySpan<byte> key, out long value)
    {
        value = 0;
        var at = span.IndexOf(key);
        if (at < 0) return false;
        span = span[(at + key.Length)..];
        if (!Utf8Parser.TryParse(span, out value, out var consumed)) return false;
        span = span[consumed..];
        return true;
    }

    public void Close()
    {
        foreach (var client in _clients) client.Dispose();
        _clients = [];
    }
}
