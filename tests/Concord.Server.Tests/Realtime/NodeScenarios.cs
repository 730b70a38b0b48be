using System.Diagnostics;

namespace Concord.Server.Tests.Realtime;

/// <summary>Runs the chat scenarios in tests/interop/chat with Node's test runner and the official socket.io-client.</summary>
public static class NodeScenarios
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string InteropDirectory { get; } = Path.Combine(FindRepoRoot(), "tests", "interop");

    public static async Task RunAsync(string file, IDictionary<string, string> env)
    {
        await EnsureInstalledAsync();
        var (code, output) = await RunProcessAsync("node", ["--test", "--test-force-exit", "--test-reporter=spec", Path.Combine("chat", file)], env, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"node --test chat/{file} failed (exit {code}):\n{output}");
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "socket.io-client"))) return;
            var (code, output) = await RunProcessAsync("npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            Assert.True(code == 0, "npm ci failed:\n" + output);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task<(int, string)> RunProcessAsync(string command, string[] args, IDictionary<string, string> env, TimeSpan timeout)
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
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
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
