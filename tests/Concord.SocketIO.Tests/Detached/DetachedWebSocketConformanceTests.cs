using System.Text;
using Concord.SocketIO.Tests.Infrastructure;
using Concord.SocketIO.Tests.Protocol;
using static Concord.SocketIO.Tests.Detached.RawFrameClient;

namespace Concord.SocketIO.Tests.Detached;

/// <summary>
/// RFC 6455 behaviour of detached WebSockets (served on the connection after the upgrade request ended), proven over a
/// raw TCP socket against a real Kestrel server with <see cref="DetachedWebSocketExtensions.UseDetachedWebSockets"/>;
/// each case also runs in-request (without the middleware), which must behave the same.
/// </summary>
public sealed class DetachedWebSocketConformanceTests
{
    private static async Task<RawFrameClient> ConnectNamespaceAsync(TestHost host)
    {
        var client = await ConnectAsync(host.BaseUri);
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync());
        await client.SendAsync(TextFrame("40"));
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        return client;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FragmentedMessageIsReassembled(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(
            TextFrame("421[\"ec", fin: false),
            TextFrame("ho\",\"frag", fin: false, opcode: Continuation),
            TextFrame("mented\"]", opcode: Continuation));
        Assert.Equal("431[\"fragmented\"]", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ControlFramesInterleavedInAFragmentedMessageAreAnswered(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(
            TextFrame("422[\"echo\",", fin: false),
            Frame(PingOp, "between"u8),
            TextFrame("\"whole\"]", opcode: Continuation));
        var pong = await client.ReceiveAsync();
        Assert.Equal((PongOp, "between"), (pong!.Opcode, pong.Text));
        Assert.Equal("432[\"whole\"]", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PingIsAnsweredWithAPongCarryingTheSamePayload(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectNamespaceAsync(host);
        byte[] payload = [0, 1, 2, 250, 251, 252];
        await client.SendAsync(Frame(PingOp, payload));
        var pong = await client.ReceiveAsync();
        Assert.Equal(PongOp, pong!.Opcode);
        Assert.Equal(payload, pong.Payload);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CloseHandshakeIsAnsweredWithTheSameCodeAndTheConnectionEnds(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(CloseFrame(1000));
        var frames = await client.ReceiveUntilEndAsync();
        var close = Assert.Single(frames, f => f.Opcode == CloseOp);
        Assert.Equal(1000, close.CloseCode);
        Assert.Equal(close, frames[^1]);
    }

    [Theory]
    [InlineData(999, true)]
    [InlineData(1004, true)]
    [InlineData(1005, true)]
    [InlineData(1006, true)]
    [InlineData(1015, true)]
    [InlineData(5000, true)]
    [InlineData(1005, false)]
    [InlineData(5000, false)]
    public async Task InvalidCloseCodeIsAProtocolError(int code, bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(CloseFrame(code));
        var close = (await client.ReceiveUntilEndAsync()).Last(f => f.Opcode == CloseOp);
        Assert.Equal(1002, close.CloseCode);
    }

    // Detached only: served in-request, the connection was seen reset before the client read the close frame.
    [Fact]
    public async Task InvalidUtf8InATextFrameClosesWith1007()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(Frame(TextOp, [(byte)'4', (byte)'2', 0xC3, 0x28]));
        var close = (await client.ReceiveUntilEndAsync()).Last(f => f.Opcode == CloseOp);
        Assert.Equal(1007, close.CloseCode);
    }

    // Detached only: served in-request, the connection was seen reset before the client read the close frame.
    [Fact]
    public async Task UnmaskedClientFrameClosesWith1002()
    {
        await using var host = await EdgeHost.StartAsync();
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(Frame(TextOp, "421[\"echo\",1]"u8, masked: false));
        var frames = await client.ReceiveUntilEndAsync();
        Assert.DoesNotContain(frames, f => f.Opcode == TextOp && f.Text.StartsWith("431", StringComparison.Ordinal));
        Assert.Equal(1002, frames.Last(f => f.Opcode == CloseOp).CloseCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FrameBeyondMaxPayloadClosesWith1009(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached); // MaxPayload 1000
        await using var client = await ConnectNamespaceAsync(host);
        await client.SendAsync(TextFrame("42[\"echo\",\"" + new string('x', 2000) + "\"]"));
        Assert.Equal(1009, (await client.ReceiveUntilEndAsync()).Last(f => f.Opcode == CloseOp).CloseCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FragmentedMessageBeyondMaxPayloadClosesWith1009(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectNamespaceAsync(host);
        var part = new string('x', 600);
        await client.SendAsync(TextFrame("42[\"echo\",\"" + part, fin: false), TextFrame(part + "\"]", opcode: Continuation));
        Assert.Equal(1009, (await client.ReceiveUntilEndAsync()).Last(f => f.Opcode == CloseOp).CloseCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FramesSentWithTheUpgradeRequestAreNotLost(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        // "40" and an acked echo arrive in the same TCP write as the request: the server has them before it answers.
        await using var client = await ConnectAsync(host.BaseUri, sentWithRequest: [.. TextFrame("40"), .. TextFrame("421[\"echo\",\"early\"]")]);
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync());
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        Assert.Equal("431[\"early\"]", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KeepAliveUpgradeRequestDoesNotMakeKestrelParseFramesAsRequests(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(detached: detached);
        await using var client = await ConnectAsync(host.BaseUri, connectionHeader: "keep-alive, Upgrade");
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync());
        await client.SendAsync(TextFrame("40"), TextFrame("421[\"echo\",\"framed\"]"));
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        Assert.Equal("431[\"framed\"]", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LargeMessagesCrossTheTransportInBothDirections(bool detached)
    {
        await using var host = await EdgeHost.StartAsync(o => o.MaxPayload = 1_000_000, detached);
        await using var client = await ConnectNamespaceAsync(host);
        var big = new string('y', 300_000);
        await client.SendAsync(TextFrame("421[\"echo\",\"" + big + "\"]"));
        Assert.Equal("431[\"" + big + "\"]", await client.ReceiveTextAsync());
        var binary = Encoding.ASCII.GetBytes(big);
        await client.SendAsync(TextFrame("451-2[\"bin\",{\"_placeholder\":true,\"num\":0}]"), Frame(BinaryOp, binary));
        Assert.Equal("461-2[{\"_placeholder\":true,\"num\":0}]", await client.ReceiveTextAsync());
        var echoed = await client.ReceiveAsync();
        Assert.Equal((BinaryOp, binary.Length), (echoed!.Opcode, echoed.Payload.Length));
    }
}
