using Concord.Tests.Shared;

namespace Concord.SocketIO.Tests.Interop;

/// <summary>Runs the JS scenarios with Node's test runner against a server URL.</summary>
public static class NodeRunner
{
    public static string InteropDirectory => NodeProcess.InteropDirectory;

    public static Task EnsureInstalledAsync() => NodeProcess.EnsureInstalledAsync();

    public static Task<(int ExitCode, string Output)> RunScenarioAsync(string file, Uri serverUri) => RunScenarioAsync(file, serverUri, null);

    /// <summary>Runs a scenario against node A (<c>SOCKETIO_URL</c>) and, when given, node B (<c>SOCKETIO_URL_B</c>).</summary>
    public static async Task<(int ExitCode, string Output)> RunScenarioAsync(string file, Uri serverUri, Uri? secondServerUri)
    {
        await NodeProcess.EnsureInstalledAsync();
        var env = new Dictionary<string, string> { ["SOCKETIO_URL"] = serverUri.ToString().TrimEnd('/') };
        if (secondServerUri is not null) env["SOCKETIO_URL_B"] = secondServerUri.ToString().TrimEnd('/');
        return await NodeProcess.RunAsync("node", ["--test", "--test-reporter=spec", file], env, TimeSpan.FromMinutes(2));
    }
}
