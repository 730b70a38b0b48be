using System.Diagnostics;

namespace Concord.SocketIO.Tests.Interop;

/// <summary>Runs the JS scenarios with Node's test runner against a server URL.</summary>
public static class NodeRunner
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    public static string InteropDirectory { get; } = Path.Combine(FindRepoRoot(), "tests", "interop");

    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed || Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "socket.io-client"))) return;
            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            Assert.True(code == 0, "npm ci failed:\n" + output);
            _installed = true;
        }
        finally { InstallLock.Release(); }
    }

    public static Task<(int ExitCode, string Output)> RunScenarioAsync(string file, Uri serverUri) => RunScenarioAsync(file, serverUri, null);

    /// <summary>Runs a scenario against node A (<c>SOCKETIO_URL</c>) and, when given, node B (<c>SOCKETIO_URL_B</c>).</summary>
    public static async Task<(int ExitCode, string Output)> RunScenarioAsync(string file, Uri serverUri, Uri? secondServerUri)
    {
        await EnsureInstalledAsync();
        var env = new Dictionary<string, string> { ["SOCKETIO_URL"] = serverUri.ToString().TrimEnd('/') };
        if (secondServerUri is not null) env["SOCKETIO_URL_B"] = secondServerUri.ToString().TrimEnd('/');
        return await RunAsync("node", ["--test", "--test-reporter=spec", file], env, TimeSpan.FromMinutes(2));
    }

    private static async Task<(int, string)> RunAsync(string command, string[] args, Dictionary<string, string> env, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(command)
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in env) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Concord.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Concord.slnx not found above " + AppContext.BaseDirectory);
    }
}
