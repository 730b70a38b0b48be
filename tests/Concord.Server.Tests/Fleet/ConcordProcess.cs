using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Concord.Server.Tests.Fleet;

/// <summary>
/// One Concord node as a real child process (the built Concord.Server.dll beside the tests), so a test can stop it
/// with SIGTERM or kill it with SIGKILL as an operator or a crash would. Settings are configuration keys
/// (<c>Auth:BcryptWorkFactor</c>) or environment names (<c>Auth__BcryptWorkFactor</c>), passed as environment variables.
/// </summary>
public sealed class ConcordProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _workingDirectory;

    /// <param name="workingDirectory">Where the process starts; default the tests' folder (the app's own).</param>
    public ConcordProcess(string name, IReadOnlyDictionary<string, string> settings, int? port = null, string? workingDirectory = null)
    {
        _workingDirectory = workingDirectory;
        Name = name;
        Settings = settings;
        Port = port ?? FreePort();
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Concord.Server.dll")])
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        info.Environment["Urls"] = Url;
        info.Environment["Concord__NodeName"] = name;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Settings { get; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public bool HasExited => _process.HasExited;

    /// <summary>Every line the node printed (stdout and stderr), in order of arrival.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>What the node printed, for failure messages.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>Polls /health/ready until it answers 200 (bounded): the node has migrated and reaches its dependencies.</summary>
    public Task WaitReadyAsync(TimeSpan timeout) => WaitForAsync("/health/ready", timeout);

    /// <summary>Polls /health/live until it answers 200 (bounded): the process serves requests.</summary>
    public Task WaitLiveAsync(TimeSpan timeout) => WaitForAsync("/health/live", timeout);

    private async Task WaitForAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) }; // a loaded box answers readiness slowly
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync(Url + path)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} did not answer {path} within {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd, Kubernetes or `docker stop` send, then waits for the exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>A new process of the same node: same name, settings and port (the balancer's configuration names it).</summary>
    public ConcordProcess StartAgain() => new(Name, Settings, Port, _workingDirectory);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null) Lines.Enqueue(line);
    }
}
