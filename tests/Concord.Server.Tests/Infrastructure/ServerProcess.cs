using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Concord.Server.Tests.Infrastructure;

/// <summary>
/// The built server run as its own process (<c>dotnet Concord.Server.dll</c>), started from an empty folder so that
/// nothing depends on the working directory, as an operator runs it. Stdout lines are kept for assertions.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private ServerProcess(Process process, string folder, string url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public string Url { get; }
    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> env, string? environmentName = "Production")
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var folder = Directory.CreateTempSubdirectory("concord-process-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Concord.Server.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        info.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "concord.db")}";
        info.Environment["Auth__BcryptWorkFactor"] = "4";
        info.Environment["RateLimiting__Enabled"] = "false";
        foreach (var (k, v) in env) info.Environment[k] = v;
        var server = new ServerProcess(Process.Start(info)!, folder, url);
        server._process.OutputDataReceived += (_, e) => { if (e.Data is not null) server.Output.Enqueue(e.Data); };
        server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server.Output.Enqueue(e.Data); };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.WaitUntilLiveAsync(TimeSpan.FromSeconds(90));
        return server;
    }

    /// <summary>Polls /health/live (the condition itself) until it answers, the process exits, or time runs out.</summary>
    private async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{string.Join('\n', Output)}");
            try
            {
                if ((await http.GetAsync(Url + "/health/live")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(100); // not listening yet, or too busy to answer in time: the next attempt is the wait
            }
        }
        throw new TimeoutException($"the server did not answer within {timeout}:\n{string.Join('\n', Output)}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
