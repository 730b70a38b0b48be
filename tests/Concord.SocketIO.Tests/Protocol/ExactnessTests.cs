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
        // A timeout just past a multiple of a tenth of the interval: a deadline checked on a periodic tick (the
        // old heartbeat scan, every 100 ms here) closed at least 90 ms late whatever the tick's phase.
        var interval = TimeSpan.FromMilliseconds(1000);
        var timeout = TimeSpan.FromMilliseconds(1010);
        await using var host = await EdgeHost.StartAsync(o => (o.PingInterval, o.PingTimeout) = (interval, timeout));
        using var client = new RawPolling(host);

        var sent = Stopwatch.GetTimestamp();
        var (sid, _) = await client.HandshakeAsync();
        var opened = Stopwatch.GetTimestamp();
        Assert.Equal("2", await client.PollAsync(sid));
        Assert.True(Stopwatch.GetElapsedTime(sent) >= interval, "the ping came early");

        // The session was created between "sent" and "opened", so its close is due by opened + interval + timeout.
        // A poll 20 ms after that finds it gone, however late a loaded machine runs the heartbeat timer.
        var due = Stopwatch.GetElapsedTime(sent, opened) + interval + timeout + TimeSpan.FromMilliseconds(20);
        await Task.Delay(due - Stopwatch.GetElapsedTime(sent));
        using var late = await client.GetAsync(sid);
        Assert.Equal(UnknownSid, await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PollWaitingWhenThePingTimesOutIsAnsweredWithCloseNoEarlierThanDue()
    {
        // Long enough that both polls are surely waiting before the close is due, even on a loaded box.
        var interval = TimeSpan.FromMilliseconds(800);
        var timeout = TimeSpan.FromMilliseconds(800);
        await using var host = await EdgeHost.StartAsync(o => (o.PingInterval, o.PingTimeout) = (interval, timeout));
        using var client = new RawPolling(host);

        var sent = Stopwatch.GetTimestamp();
        var (sid, _) = await client.HandshakeAsync();
        Assert.Equal("2", await client.PollAsync(sid));
        Assert.Equal("1", await client.PollAsync(sid));
        // The session was created after "sent": closing it sooner than this would be early.
        Assert.True(Stopwatch.GetElapsedTime(sent) >= interval + timeout, "closed before the ping timeout");
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
