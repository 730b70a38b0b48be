using System.Diagnostics;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Observability;

/// <summary>The container HEALTHCHECK's probe: the dll itself, since the chiseled image has no shell or curl.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task TheProbeExitsZeroForALiveNodeAndOneForADeadAddress()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>());
        Assert.Equal(0, await ProbeAsync(server.Url + "/health/live"));
        Assert.Equal(1, await ProbeAsync($"http://127.0.0.1:{ServerProcess.FreePort()}/health/live"));
    }

    private static async Task<int> ProbeAsync(string url)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Concord.Server.dll"), "--health-check", url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }
}
