using Concord.Server.Tests.Realtime;
using Concord.Tests.Shared;

namespace Concord.Server.Tests.Browser;

/// <summary>
/// Runs the browser scenarios in web/tests (node --test, playwright-core driving the distribution's Chromium) against
/// a server this test started. The server serves the built client (web/dist), which building Concord.Server produces
/// when npm is present; a run without it builds the client here, once.
/// </summary>
public static class WebScenarios
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    public static string WebDirectory { get; } = Path.Combine(NodeProcess.RepoRoot, "web");

    /// <summary>Runs web/tests/<paramref name="file"/> against <paramref name="app"/>; a failure carries the server's warnings and errors.</summary>
    public static async Task RunAsync(string file, RealtimeApp app)
    {
        await EnsureBuiltAsync();
        var env = new Dictionary<string, string> { ["CONCORD_URL"] = app.Url, ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1" };
        var (code, output) = await NodeProcess.RunAsync("node", ["--test", "--test-force-exit", "--test-reporter=spec", Path.Combine("tests", file)],
            env, TimeSpan.FromMinutes(6), WebDirectory);
        Assert.True(code == 0, $"node --test web/tests/{file} failed (exit {code}):\n{output}" +
            $"\nThe server's last warnings and errors:\n{string.Join('\n', app.RecentWarnings.Entries)}");
    }

    private static async Task EnsureBuiltAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            var env = new Dictionary<string, string> { ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1" };
            if (!Directory.Exists(Path.Combine(WebDirectory, "node_modules", "playwright-core")))
                Check(await NodeProcess.RunAsync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], env, TimeSpan.FromMinutes(5), WebDirectory), "npm ci");
            if (!File.Exists(Path.Combine(WebDirectory, "dist", "index.html")))
                Check(await NodeProcess.RunAsync("npm", ["run", "build"], env, TimeSpan.FromMinutes(3), WebDirectory), "npm run build");
        }
        finally
        {
            BuildLock.Release();
        }
    }

    private static void Check((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"{what} in web/ failed:\n{result.Output}");
    }
}
