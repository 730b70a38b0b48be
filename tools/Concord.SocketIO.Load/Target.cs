using System.Net.Http.Json;

namespace Concord.SocketIO.Load;

/// <summary>The server under test: its URL, its process (for /proc), and a shared HTTP stack for the WebSocket handshakes.</summary>
internal sealed class Target(string name, Uri baseUrl, int pid) : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseProxy = false });
    // No cookie jar: the gateway benchmark's users authenticate with bearer tokens, one each, over one client.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseUrl };
    private readonly Uri _ws = new($"ws://{baseUrl.Authority}/socket.io/?EIO=4&transport=websocket");

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
