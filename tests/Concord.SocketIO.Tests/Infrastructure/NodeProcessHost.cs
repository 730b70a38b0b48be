using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concord.Tests.Shared;

namespace Concord.SocketIO.Tests.Infrastructure;

/// <summary>
/// A Socket.IO node in its own process (tools/Concord.SocketIO.BenchHost, built with the tests), so a test can
/// kill it with SIGKILL as a crash would: nothing of it runs after, not even a disconnect handler.
/// </summary>
public sealed class NodeProcessHost : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcessHost(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }
    public int ProcessId => _process.Id;
    public Process Process => _process;

    /// <summary>Starts a node on a free loopback port with <paramref name="env"/> and waits until it answers a handshake.</summary>
    public static async Task<NodeProcessHost> StartAsync(IDictionary<string, string> env)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(BenchHostPath());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in env) info.Environment[key] = value;
        var process = Process.Start(info)!;
        // Drained so a chatty node never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new NodeProcessHost(process, new Uri($"http://127.0.0.1:{port}"));
        await host.WaitUntilReadyAsync();
        return host;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"node exited with {_process.ExitCode} before it was ready");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "/socket.io/?EIO=4&transport=polling"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException("node not ready within 60 s");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string BenchHostPath()
    {
        // The tests run from bin/<Configuration>/<framework>/; the host is built with the same two.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = Path.GetDirectoryName(NodeProcess.InteropDirectory)!;
        var path = Path.Combine(Path.GetDirectoryName(root)!, "tools", "Concord.SocketIO.BenchHost", "bin",
            output.Parent!.Name, output.Name, "Concord.SocketIO.BenchHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("BenchHost not built", path);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
