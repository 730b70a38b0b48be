namespace Concord.Server.Tests.Infrastructure;

/// <summary>
/// deploy/env/concord.env, the node settings deploy/compose.yaml and the systemd unit pass to every node, read the
/// way Docker's env_file and systemd's EnvironmentFile read it (KEY=VALUE lines, # comments), so the test fleet runs
/// with the same settings a deployment gets and a typo there breaks the tests.
/// </summary>
public static class DeployEnv
{
    public static string File { get; } = Path.Combine(Fleet.FleetFixture.RepoRoot, "deploy", "env", "concord.env");

    /// <summary>Configuration keys (":"-separated) and values.</summary>
    public static Dictionary<string, string> Read() =>
        System.IO.File.ReadAllLines(File)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(kv => kv[0].Replace("__", ":", StringComparison.Ordinal), kv => kv[1]);
}
