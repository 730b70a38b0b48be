using System.Text.Json;
using Concord.SocketIO.Adapters.Redis;
using Concord.SocketIO.Tests.Infrastructure;
using Concord.SocketIO.Tests.Interop;

namespace Concord.SocketIO.Tests.Redis;

/// <summary>The session record kept current in Redis belongs to the newest socket of its session.</summary>
public sealed class SessionRecordTests : IAsyncLifetime
{
    private TwoNodes _nodes = null!;

    public async Task InitializeAsync() =>
        _nodes = await TwoNodes.StartAsync(RecoveryApp.Configure, RecoveryApp.Setup, r => r.DataType = typeof(string));

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task ASocketLingeringOnItsOldNodeDoesNotOverwriteTheRecordOfTheSocketThatRecoveredElsewhere()
    {
        // The client's first connection, on A; it joins a room and gets one broadcast (its offset).
        await using var old = await RawWebSocket.ConnectAsync(_nodes.A);
        await NextAsync(old, m => m.StartsWith("0{"));
        await old.SendTextAsync("40{\"name\":\"lingerer\",\"recover\":true}");
        var connect = JsonDocument.Parse((await NextAsync(old, m => m.StartsWith("40")))[2..]).RootElement;
        var (sid, pid) = (connect.GetProperty("sid").GetString()!, connect.GetProperty("pid").GetString()!);
        await old.SendTextAsync("421[\"join\",\"r1\"]");
        await NextAsync(old, m => m == "431[true]");
        await old.SendTextAsync("422[\"to-room\",\"r1\",\"m0\"]");
        var offset = JsonDocument.Parse((await NextAsync(old, m => m.StartsWith("42[\"room-message\"")))[2..]).RootElement[2].GetString()!;

        // The client noticed the drop before node A did: it recovers on B while A still holds its old socket.
        await using var recovered = await RawWebSocket.ConnectAsync(_nodes.B);
        await NextAsync(recovered, m => m.StartsWith("0{"));
        await recovered.SendTextAsync($"40{{\"name\":\"lingerer\",\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await NextAsync(recovered, m => m.StartsWith("40")));
        await NextAsync(recovered, m => m == "42[\"welcome\",{\"recovered\":true}]");
        await recovered.SendTextAsync("421[\"leave\",\"r1\"]");
        await NextAsync(recovered, m => m == "431[true]");

        // Now A notices: its old socket drops for a network reason, which would save its (stale) rooms.
        await old.DisposeAsync();
        await WaitUntilAsync(() => _nodes.A.Server.Sockets.Sockets.Count == 0);
        // A's later broadcast travels after that save on A's Redis connection: once B's socket has it, Redis
        // has handled the save (or refused it).
        await using var witness = await RawWebSocket.ConnectAsync(_nodes.A);
        await NextAsync(witness, m => m.StartsWith("0{"));
        await witness.SendTextAsync("40{\"name\":\"witness\"}");
        await NextAsync(witness, m => m.StartsWith("40"));
        await witness.SendTextAsync($"421[\"to-socket\",\"{sid}\",\"after the save\"]");
        await NextAsync(recovered, m => m.StartsWith("42[\"direct-message\",\"after the save\""));

        await using var redis = await TestRedis.ConnectAsync();
        var stored = await redis.GetDatabase().StringGetAsync($"{_nodes.Prefix}-session#/#{pid}");
        var reader = new FrameReader((byte[])stored!);
        Assert.Equal(sid, reader.String());
        Assert.Equal(pid, reader.String());
        Assert.Equal([sid], reader.Strings());
    }

    /// <summary>The next message matching <paramref name="match"/>, answering pings and skipping the rest.</summary>
    private static async Task<string> NextAsync(RawWebSocket ws, Func<string, bool> match)
    {
        while (true)
        {
            var message = await ws.ReceiveAsync() ?? throw new InvalidOperationException("closed");
            if (match(message)) return message;
            if (message == "2") await ws.SendTextAsync("3");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(10, timeout.Token);
    }
}
