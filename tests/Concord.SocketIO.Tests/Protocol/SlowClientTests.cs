using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

public sealed class SlowClientTests
{
    [Fact]
    public async Task ClientThatStopsReadingIsDroppedAndCountedWhileOthersAreServed()
    {
        await using var host = await EdgeHost.StartAsync(o => o.OutboundQueueCapacity = 4);
        await using var slow = await RawWebSocket.ConnectNamespaceAsync(host);
        var slowSocket = host.Server.Sockets.Sockets.Values.Single();
        await using var healthy = await RawWebSocket.ConnectNamespaceAsync(host);
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        slowSocket.OnDisconnect(r => reason.TrySetResult(r));

        // The slow client never reads: once the socket buffers fill, its bounded queue overflows.
        var payload = new string('x', 64 * 1024);
        for (var i = 0; i < 100_000 && slowSocket.Connected; i++) slowSocket.Emit("big", payload);

        Assert.Equal(DisconnectReason.TransportError, await reason.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, host.Server.SlowClientDisconnects);
        await healthy.SendTextAsync("421[\"echo\",\"unaffected\"]");
        Assert.Equal("431[\"unaffected\"]", await healthy.ReceiveAsync());
    }
}
