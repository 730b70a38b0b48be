using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>Behaviours where the reference engine.io server is exact, checked byte for byte.</summary>
public sealed class ExactnessTests
{
    private const string UnknownSid = "{\"code\":1,\"message\":\"Session ID unknown\"}";

    [Fact]
    public async Task CloseWhileAPollWaitsAnswersThatPollWithANoopAndLaterPollsWithUnknownSid()
    {
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var (sid, _) = await client.HandshakeAsync();
        await client.PostAsync(sid, "40");
        Assert.StartsWith("40{", await client.PollAsync(sid));

        var waiting = client.PollAsync(sid);
        await WaitUntilAsync(() => host.Server.Engine.TryGetSession(sid, out var session) && session.PollPending);
        Assert.Equal("ok", await (await client.PostAsync(sid, "1")).Content.ReadAsStringAsync());

        Assert.Equal("6", await waiting);
        using var later = await client.GetAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, later.StatusCode);
        Assert.Equal(UnknownSid, await later.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task APollReadAfterTheCloseItWasSentBeforeStillGetsTheNoopAndOnlyOnce()
    {
        // Kestrel may read the close (POST) before the poll (GET) the client sent first, on its other connection.
        await using var host = await EdgeHost.StartAsync();
        using var client = new RawPolling(host);
        var (sid, _) = await client.HandshakeAsync();

        Assert.Equal("ok", await (await client.PostAsync(sid, "1")).Content.ReadAsStringAsync());

        Assert.Equal("6", await client.PollAsync(sid));
        using var later = await client.GetAsync(sid);
        Assert.Equal(UnknownSid, await later.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SilentClientIsClosedPingTimeoutAfterThePingWasDue()
    {
        var interval = TimeSpan.FromMilliseconds(1000);
        var timeout = TimeSpan.FromMilliseconds(1000);
        await using var host = await EdgeHost.StartAsync(o => (o.PingInterval, o.PingTimeout) = (interval, timeout));
        // A first session starts the server's heartbeat clock; the measured one opens out of phase with it, so a
        // deadline checked on a periodic tick (a tenth of the interval here) would come about 80 ms late.
        await using var first = await RawWebSocket.ConnectAsync(host);
        await Task.Delay(80);

        var sent = Stopwatch.GetTimestamp();
        await using var silent = await RawWebSocket.ConnectAsync(host);
        var opened = Stopwatch.GetTimestamp();
        Assert.StartsWith("0{", await silent.ReceiveAsync());
        Assert.Equal("2", await silent.ReceiveAsync());
        var pinged = Stopwatch.GetTimestamp();
        Assert.Null(await silent.ReceiveAsync());
        var closed = Stopwatch.GetTimestamp();

        // The session was created between "sent" and "opened"; ping and close are due interval and
        // interval + timeout after that. Slack only for delivery to this client on a busy machine.
        var slack = TimeSpan.FromMilliseconds(40);
        Assert.InRange(Stopwatch.GetElapsedTime(sent, pinged), interval, Stopwatch.GetElapsedTime(sent, opened) + interval + slack);
        Assert.InRange(Stopwatch.GetElapsedTime(sent, closed), interval + timeout, Stopwatch.GetElapsedTime(sent, opened) + interval + timeout + slack);
    }

    [Fact]
    public async Task SecondWebSocketForAnUpgradedSessionIsAcceptedThenClosed()
    {
        await using var host = await EdgeHost.StartAsync();
        using var polling = new RawPolling(host);
        var (sid, _) = await polling.HandshakeAsync();
        await polling.PostAsync(sid, "40");
        Assert.StartsWith("40{", await polling.PollAsync(sid));
        await using var ws = await RawWebSocket.ConnectAsync(host, $"EIO=4&transport=websocket&sid={sid}");
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveAsync());
        await ws.SendTextAsync("5");
        await ws.SendTextAsync("421[\"echo\",\"upgraded\"]");
        Assert.Equal("431[\"upgraded\"]", await ws.ReceiveAsync());

        // The handshake succeeds (101), then the server closes that WebSocket; the session is untouched.
        await using var second = await RawWebSocket.ConnectAsync(host, $"EIO=4&transport=websocket&sid={sid}");
        Assert.Null(await second.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, second.Socket.CloseStatus);
        await ws.SendTextAsync("422[\"echo\",\"still here\"]");
        Assert.Equal("432[\"still here\"]", await ws.ReceiveAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (!condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}
