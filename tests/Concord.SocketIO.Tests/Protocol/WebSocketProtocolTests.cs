using System.Net.WebSockets;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

public sealed class WebSocketProtocolTests
{
    [Fact]
    public async Task WebSocketOnlySessionOpensWithoutUpgrades()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var ws = await RawWebSocket.ConnectAsync(host);
        var open = await ws.ReceiveAsync();
        Assert.Contains("\"upgrades\":[]", open);

        await ws.SendTextAsync("40");
        Assert.StartsWith("40{\"sid\":", await ws.ReceiveAsync());
        await ws.SendTextAsync("421[\"echo\",{\"a\":1}]");
        Assert.Equal("431[{\"a\":1}]", await ws.ReceiveAsync());
    }

    [Fact]
    public async Task BinaryFramesCarryAttachments()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);
        await ws.SendTextAsync("451-4[\"bin\",{\"_placeholder\":true,\"num\":0}]");
        await ws.SendBinaryAsync([1, 2, 3]);
        Assert.Equal("461-4[{\"_placeholder\":true,\"num\":0}]", await ws.ReceiveAsync());
        Assert.Equal("bin:AQID", await ws.ReceiveAsync());
    }

    [Theory]
    [InlineData("4garbage")]
    [InlineData("42[\"echo\"")]
    [InlineData("42[\"connect\"]")]
    [InlineData("9")]
    public async Task GarbageClosesThatConnectionAndOthersKeepWorking(string garbage)
    {
        await using var host = await EdgeHost.StartAsync();
        await using var victim = await RawWebSocket.ConnectNamespaceAsync(host);
        await using var bystander = await RawWebSocket.ConnectNamespaceAsync(host);

        await victim.SendTextAsync(garbage);
        Assert.Empty(await victim.ReceiveUntilClosedAsync());

        await bystander.SendTextAsync("421[\"echo\",\"still served\"]");
        Assert.Equal("431[\"still served\"]", await bystander.ReceiveAsync());
    }

    [Fact]
    public async Task TextInsteadOfTheAnnouncedAttachmentClosesTheConnection()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);
        await ws.SendTextAsync("452-1[\"bin\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await ws.SendBinaryAsync([1]);
        await ws.SendTextAsync("42[\"echo\",\"too early\"]");
        Assert.Empty(await ws.ReceiveUntilClosedAsync());
    }

    [Fact]
    public async Task PlaceholderBeyondTheAttachmentsClosesTheConnection()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);
        await ws.SendTextAsync("451-1[\"bin\",{\"_placeholder\":true,\"num\":5}]");
        await ws.SendBinaryAsync([1]);
        Assert.Empty(await ws.ReceiveUntilClosedAsync());
    }

    [Fact]
    public async Task OversizedMessageIsRefusedWithMessageTooBig()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(host);
        await ws.SendTextAsync("42[\"echo\",\"" + new string('x', 2000) + "\"]");
        Assert.Empty(await ws.ReceiveUntilClosedAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ws.Socket.CloseStatus);
    }

    [Fact]
    public async Task PollingSessionUpgradesThroughTheProbe()
    {
        await using var host = await EdgeHost.StartAsync();
        using var polling = new RawPolling(host);
        var (sid, _) = await polling.HandshakeAsync();
        await polling.PostAsync(sid, "40");
        Assert.StartsWith("40{", await polling.PollAsync(sid));

        var pendingPoll = polling.PollAsync(sid);
        await using var ws = await RawWebSocket.ConnectAsync(host, $"EIO=4&transport=websocket&sid={sid}");
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveAsync());
        Assert.Equal("6", await pendingPoll);
        await ws.SendTextAsync("5");

        await ws.SendTextAsync("421[\"echo\",\"over websocket\"]");
        Assert.Equal("431[\"over websocket\"]", await ws.ReceiveAsync());
        using var stale = await polling.GetAsync(sid);
        Assert.Equal("{\"code\":3,\"message\":\"Bad request\"}", await stale.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SilentClientIsClosedAfterPingTimeoutWhileAnsweringOneStays()
    {
        // A short interval makes several pings happen; a timeout with slack keeps the answering client safe on a
        // busy CI box where the test runner may be descheduled for a few hundred milliseconds.
        await using var host = await EdgeHost.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingTimeout = TimeSpan.FromMilliseconds(1500);
        });
        await using var silent = await RawWebSocket.ConnectNamespaceAsync(host);
        await using var lively = await RawWebSocket.ConnectNamespaceAsync(host);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("2", await lively.ReceiveAsync());
            await lively.SendTextAsync("3");
        }
        Assert.Equal(["2"], await silent.ReceiveUntilClosedAsync());
        await lively.SendTextAsync("421[\"echo\",\"alive\"]");
        string? reply;
        while ((reply = await lively.ReceiveAsync()) == "2") await lively.SendTextAsync("3");
        Assert.Equal("431[\"alive\"]", reply);
    }

    [Fact]
    public async Task ConnectionJoiningNoNamespaceIsClosedAfterConnectTimeout()
    {
        await using var host = await EdgeHost.StartAsync(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(200));
        await using var ws = await RawWebSocket.ConnectAsync(host);
        var received = await ws.ReceiveUntilClosedAsync();
        Assert.Single(received);
        Assert.StartsWith("0{", received[0]);
    }
}
