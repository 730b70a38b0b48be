using System.Diagnostics;

namespace Concord.Tests.Shared;

/// <summary>
/// Runs Node in tests/interop (the official socket.io-client lives there), for both test projects:
/// linked into each as a source file.
/// </summary>
public static class NodeProcess
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string InteropDirectory { get; } = Path.Combine(FindRepoRoot(), "tests", "interop");

    /// <summary>./test.sh runs `npm ci` first; a test run started another way installs the packages itself, once.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(InteropDirectory, "node_modules", "socket.io-client"))) return;
            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            if (code != 0) throw new InvalidOperationException("npm ci failed:\n" + output);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>The repository's root (where Concord.slnx is).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Runs a command in tests/interop (or <paramref name="workingDirectory"/>); the exit code and everything it printed, or -1 on timeout.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string command, IEnumerable<string> args, IDictionary<string, string> env, TimeSpan timeout,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory ?? InteropDirectory,
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
