using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Concord.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;

namespace Concord.Server.Tests.Realtime;

/// <summary>
/// A minimal Socket.IO v5 client over one in-process Engine.IO WebSocket (the test server's, no network): connects with
/// an access token, emits with acks and collects events. Enough to drive the gateway's handlers from C#; the official
/// JS and Python clients cover the wire in tests/interop.
/// </summary>
public sealed class GatewayClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly WebSocket _ws;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _acks = new();
    private readonly Channel<(string Name, JsonElement Payload)> _events = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly ConcurrentQueue<string> _seen = new();
    private int _nextAck;

    /// <summary>The names of every event received so far, in order.</summary>
    public IReadOnlyCollection<string> Seen => _seen;

    private GatewayClient(WebSocket ws)
    {
        _ws = ws;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Connects <paramref name="user"/> with an access token minted from their credentials.</summary>
    public static async Task<GatewayClient> ConnectAsync(ConcordApp app, TestUser user)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        using var cts = new CancellationTokenSource(Timeout);
        var ws = await app.Server.CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/socket.io/?EIO=4&transport=websocket"), cts.Token);
        Assert.StartsWith("0{", await ReceiveAsync(ws, cts.Token)); // Engine.IO open
        await ws.SendAsync(Encoding.UTF8.GetBytes($$"""40{"token":"{{token}}"}"""), WebSocketMessageType.Text, true, cts.Token);
        var connected = await ReceiveAsync(ws, cts.Token);
        Assert.True(connected.StartsWith("40{", StringComparison.Ordinal), $"not connected: {connected}");
        return new GatewayClient(ws);
    }

    /// <summary>Emits <paramref name="eventName"/> with <paramref name="payloadJson"/> (null: no argument) and returns the ack.</summary>
    public async Task<JsonElement> RequestAsync(string eventName, string? payloadJson)
    {
        var id = Interlocked.Increment(ref _nextAck);
        var ack = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = ack;
        var args = payloadJson is null ? JsonSerializer.Serialize(eventName) : $"{JsonSerializer.Serialize(eventName)},{payloadJson}";
        await SendAsync($"42{id}[{args}]");
        return await ack.Task.WaitAsync(Timeout);
    }

    public Task<JsonElement> RequestAsync(string eventName, object payload) =>
        RequestAsync(eventName, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web));

    /// <summary>The next event named <paramref name="eventName"/> (others are skipped).</summary>
    public async Task<JsonElement> NextEventAsync(string eventName)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var (name, payload) = await _events.Reader.ReadAsync(cts.Token);
            if (name == eventName) return payload;
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var message = await ReceiveAsync(_ws, _stop.Token);
                if (message == "2") await SendAsync("3");
                else if (message.StartsWith("43", StringComparison.Ordinal)) Acked(message);
                else if (message.StartsWith("42[", StringComparison.Ordinal))
                {
                    var args = JsonDocument.Parse(message[2..]).RootElement;
                    _seen.Enqueue(args[0].GetString()!);
                    _events.Writer.TryWrite((args[0].GetString()!, args.GetArrayLength() > 1 ? args[1].Clone() : default));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or InvalidOperationException)
        {
            foreach (var ack in _acks.Values) ack.TrySetException(new InvalidOperationException("The gateway closed the connection.", ex));
        }
    }

    private void Acked(string message)
    {
        var bracket = message.IndexOf('[', StringComparison.Ordinal);
        var id = int.Parse(message[2..bracket], System.Globalization.CultureInfo.InvariantCulture);
        var args = JsonDocument.Parse(message[bracket..]).RootElement;
        if (_acks.TryRemove(id, out var ack)) ack.TrySetResult(args[0].Clone());
    }

    private async Task SendAsync(string text)
    {
        await _send.WaitAsync();
        try { await _ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, _stop.Token); }
        finally { _send.Release(); }
    }

    private static async Task<string> ReceiveAsync(WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("closed");
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _ws.Abort();
        try { await _reader; } catch (Exception) { /* the loop ends with the socket */ }
        _ws.Dispose();
        _stop.Dispose();
        _send.Dispose();
    }
}
