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

    private readonly string _token;

    private GatewayClient(WebSocket ws, string token)
    {
        _ws = ws;
        _token = token;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Connects <paramref name="user"/> with an access token minted from their credentials.</summary>
    public static async Task<GatewayClient> ConnectAsync(ConcordApp app, TestUser user)
    {
        var token = await TokenAsync(app, user);
        return await OpenAsync(app, token, $$"""{"token":"{{token}}"}""");
    }

    /// <summary>
    /// Connects asking for connection-state recovery (<c>recover: true</c>), as the official client does: the answer
    /// carries a <see cref="Pid"/> and broadcasts carry an offset (<see cref="LastOffset"/>), which
    /// <see cref="ResumeAsync"/> sends back after a drop.
    /// </summary>
    public static async Task<GatewayClient> ConnectRecoverableAsync(ConcordApp app, TestUser user)
    {
        var token = await TokenAsync(app, user);
        return await OpenAsync(app, token, $$"""{"token":"{{token}}","recover":true}""");
    }

    /// <summary>Connects again after <see cref="Drop"/> with this client's pid and last offset; the server may recover the session.</summary>
    public Task<GatewayClient> ResumeAsync(ConcordApp app) =>
        OpenAsync(app, _token, $$"""{"token":"{{_token}}","pid":"{{Pid}}","offset":"{{LastOffset}}"}""");

    /// <summary>The session id the server gave for recovery (null unless asked for).</summary>
    public string? Pid { get; private set; }
    /// <summary>The offset of the last broadcast received (recoverable clients only).</summary>
    public string? LastOffset { get; private set; }
    /// <summary>The socket id the server answered the connection with.</summary>
    public string Sid { get; private set; } = "";

    /// <summary>The transport dies without a Socket.IO disconnect, as on a network drop: the session stays recoverable.</summary>
    public void Drop() => _ws.Abort();

    private static async Task<string> TokenAsync(ConcordApp app, TestUser user)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<GatewayClient> OpenAsync(ConcordApp app, string token, string auth)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ws = await app.Server.CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/socket.io/?EIO=4&transport=websocket"), cts.Token);
        Assert.StartsWith("0{", await ReceiveAsync(ws, cts.Token)); // Engine.IO open
        await ws.SendAsync(Encoding.UTF8.GetBytes($"40{auth}"), WebSocketMessageType.Text, true, cts.Token);
        var connected = await ReceiveAsync(ws, cts.Token);
        Assert.True(connected.StartsWith("40{", StringComparison.Ordinal), $"not connected: {connected}");
        var answer = JsonDocument.Parse(connected[2..]).RootElement;
        return new GatewayClient(ws, token)
        {
            Sid = answer.GetProperty("sid").GetString()!,
            Pid = answer.TryGetProperty("pid", out var pid) ? pid.GetString() : null,
        };
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
                    // A recoverable client's broadcasts end with their offset (one more string argument).
                    if (Pid is not null && args.GetArrayLength() > 2 && args[args.GetArrayLength() - 1].ValueKind == JsonValueKind.String)
                        LastOffset = args[args.GetArrayLength() - 1].GetString();
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
