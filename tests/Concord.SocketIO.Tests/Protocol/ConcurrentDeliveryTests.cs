using System.Text.Json;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>
/// Many threads delivering to the same sockets at once, mixing room broadcasts and direct emits, with payloads
/// large enough to fill Kestrel's buffers now and then (so sends sometimes complete asynchronously). Every message
/// must arrive whole, once, and in each sender's order: a guard for any change to the send path (one was tried, see
/// docs/benchmarks.md, "Per-inbound-event overhead").
/// </summary>
public sealed class ConcurrentDeliveryTests
{
    [Fact]
    public async Task ConcurrentBroadcastersToOneRoomArriveCompleteAndInPerSenderOrder()
    {
        const int senders = 8, perSender = 300, clients = 3;
        await using var host = await EdgeHost.StartAsync(o => o.OutboundQueueCapacity = senders * perSender * 2);
        var raws = new List<RawWebSocket>();
        for (var i = 0; i < clients; i++) raws.Add(await RawWebSocket.ConnectNamespaceAsync(host));
        var sockets = host.Server.Sockets.Sockets.Values.ToArray();
        foreach (var socket in sockets) socket.Join("room");

        var receiving = raws.Select(raw => Task.Run(async () =>
        {
            var next = new int[senders];
            for (var n = 0; n < senders * perSender; n++)
            {
                var text = await raw.ReceiveAsync();
                Assert.NotNull(text);
                Assert.StartsWith("42[\"m\",", text);
                using var packet = JsonDocument.Parse(text.AsMemory(2));
                var (sender, seq) = (packet.RootElement[1].GetInt32(), packet.RootElement[2].GetInt32());
                Assert.Equal(next[sender]++, seq);
                Assert.Equal(Payload(sender, seq), packet.RootElement[3].GetString());
            }
            return next;
        })).ToArray();

        using var start = new ManualResetEventSlim();
        var sending = Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            start.Wait();
            for (var seq = 0; seq < perSender; seq++)
            {
                // Every third message per recipient through its own queue, the rest as a room broadcast.
                if (seq % 3 == 0)
                    foreach (var socket in sockets) socket.Emit("m", sender, seq, Payload(sender, seq));
                else await host.Server.To("room").Emit("m", sender, seq, Payload(sender, seq));
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var next in await Task.WhenAll(receiving).WaitAsync(TimeSpan.FromSeconds(30)))
            Assert.All(next, count => Assert.Equal(perSender, count));
        Assert.Equal(0, host.Server.SlowClientDisconnects);
        foreach (var raw in raws) await raw.DisposeAsync();
    }

    // Sizes from ~10 bytes to ~24 KB, so Kestrel's output buffers sometimes fill and sends complete asynchronously.
    private static string Payload(int sender, int seq) => new((char)('a' + sender), seq * 7919 % 97 < 10 ? 24_000 : 10 + seq % 50);
}
