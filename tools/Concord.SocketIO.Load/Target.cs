using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Concord.SocketIO.Load;

/// <summary>The server under test: its URL, its process (for /proc), and a shared HTTP stack for the WebSocket handshakes.</summary>
internal sealed class Target(string name, Uri baseUrl, int pid) : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(WebSocketHandler());
    // No cookie jar: the gateway benchmark's users authenticate with bearer tokens, one each, over one client.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseUrl };
    private readonly Uri _ws = new($"ws://{baseUrl.Authority}/socket.io/?EIO=4&transport=websocket");

    private static int _nextSource;

    /// <summary>
    /// The handler WebSocket handshakes go through. LOAD_SOURCE_ADDRESSES=n (loopback targets) spreads the connections over
    /// the source addresses 127.0.0.1 … 127.0.0.n: one source address reaches one server port through at most the
    /// ephemeral range (~28,000 ports), so 50,000 connections need two or more.
    /// </summary>
    private static SocketsHttpHandler WebSocketHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseProxy = false };
        if (!int.TryParse(Environment.GetEnvironmentVariable("LOAD_SOURCE_ADDRESSES"), out var sources) || sources <= 1) return handler;
        handler.ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                var source = 1 + (int)((uint)Interlocked.Increment(ref _nextSource) % (uint)sources);
                socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)source]), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }

    public string Name => name;
    public int Pid => pid;

    /// <summary>Connects <paramref name="count"/> clients, 64 at a time; <paramref name="auth"/> gives client i's handshake auth object (JSON).</summary>
    public async Task<LoadClient[]> ConnectManyAsync(int count, Action<ReadOnlyMemory<byte>>? onEvent, Func<int, string?>? auth = null)
    {
        var clients = new LoadClient[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (i, ct) => clients[i] = await LoadClient.ConnectAsync(_ws, _invoker, onEvent, ct, auth?.Invoke(i)));
        return clients;
    }

    public HttpClient Http => _http;

    /// <summary>The server's own view after a full collection: GC/V8 heap in use and RSS.</summary>
    public async Task<MemoryProbe> ProbeMemoryAsync() =>
        (await _http.GetFromJsonAsync<MemoryProbe>("/bench/memory"))!;

    /// <summary>Bytes the server allocated so far (.NET hosts only), or -1 where the server has no such probe (Node).</summary>
    public async Task<long> AllocatedBytesAsync()
    {
        using var response = await _http.GetAsync("/bench/allocated");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<long>() : -1;
    }

    /// <summary>Thread-pool work items the server completed so far (.NET hosts only), or -1 where the server has no such probe (Node).</summary>
    public async Task<long> WorkItemsAsync()
    {
        using var response = await _http.GetAsync("/bench/work-items");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<long>() : -1;
    }

    public void Dispose()
    {
        _invoker.Dispose();
        _http.Dispose();
    }
}

internal sealed record MemoryProbe(long HeapBytes, long RssBytes);
