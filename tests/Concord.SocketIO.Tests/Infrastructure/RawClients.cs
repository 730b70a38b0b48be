using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Concord.SocketIO.Tests.Infrastructure;

/// <summary>Hand-written Engine.IO traffic: plain HTTP requests and a bare WebSocket.</summary>
public sealed class RawPolling(TestHost host) : IDisposable
{
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<(string Sid, JsonElement Open)> HandshakeAsync()
    {
        var body = await Http.GetStringAsync(host.EngineUri("EIO=4&transport=polling"));
        Assert.StartsWith("0{", body);
        var open = JsonDocument.Parse(body[1..]).RootElement.Clone();
        return (open.GetProperty("sid").GetString()!, open);
    }

    public Task<HttpResponseMessage> GetAsync(string sid) => Http.GetAsync(host.EngineUri($"EIO=4&transport=polling&sid={sid}"));

    public async Task<string> PollAsync(string sid)
    {
        using var response = await GetAsync(sid);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public Task<HttpResponseMessage> PostAsync(string sid, string body) =>
        Http.PostAsync(host.EngineUri($"EIO=4&transport=polling&sid={sid}"), new StringContent(body, Encoding.UTF8, "text/plain"));

    public void Dispose() => Http.Dispose();
}

public sealed class RawWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocket Socket => _socket;

    public static Task<RawWebSocket> ConnectAsync(TestHost host, string query = "EIO=4&transport=websocket") => ConnectAsync(host.EngineUri(query));

    /// <summary>Opens a WebSocket to an Engine.IO endpoint given by its http:// address and query.</summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri endpoint)
    {
        var raw = new RawWebSocket();
        var uri = new UriBuilder(endpoint) { Scheme = "ws" }.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await raw._socket.ConnectAsync(uri, cts.Token);
        return raw;
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) => _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The next message as text (binary as "bin:" + base64), or null when the server closed.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            return result.MessageType == WebSocketMessageType.Text
                ? Encoding.UTF8.GetString(message.ToArray())
                : "bin:" + Convert.ToBase64String(message.ToArray());
        }
    }

    /// <summary>Reads until the server closes; returns what arrived before.</summary>
    public async Task<List<string>> ReceiveUntilClosedAsync(TimeSpan? timeout = null)
    {
        var received = new List<string>();
        while (await ReceiveAsync(timeout) is { } message) received.Add(message);
        return received;
    }

    /// <summary>Opens a WebSocket-only session and connects the default namespace.</summary>
    public static async Task<RawWebSocket> ConnectNamespaceAsync(TestHost host)
    {
        var raw = await ConnectAsync(host);
        Assert.StartsWith("0{", await raw.ReceiveAsync());
        await raw.SendTextAsync("40");
        Assert.StartsWith("40{\"sid\":", await raw.ReceiveAsync());
        return raw;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
