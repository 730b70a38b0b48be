using System.Diagnostics;
using System.Text;
using Concord.Server.Tests.Infrastructure;
using Concord.Tests.Shared;
using Npgsql;

namespace Concord.Server.Tests.Fleet;

/// <summary>
/// The fleet of docs/operations.md on one machine: three Concord processes with mixed roles (api, gateway, all) on
/// one PostgreSQL (+ replica) and one Redis, behind a real HAProxy running deploy/haproxy/haproxy.cfg unchanged
/// (only the addresses in its environment differ from a deployment).
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private readonly string _database = "concord_fleet_" + Guid.NewGuid().ToString("N")[..12];
    private readonly StringBuilder _balancerOutput = new();
    private Process? _balancer;

    public ConcordProcess Api { get; private set; } = null!;
    public ConcordProcess Gateway { get; private set; } = null!;
    public ConcordProcess AllInOne { get; private set; } = null!;
    public IReadOnlyList<ConcordProcess> Nodes => [Api, Gateway, AllInOne];
    public string BalancerUrl { get; private set; } = "";

    public static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(NodeProcess.InteropDirectory, "..", ".."));

    public async Task InitializeAsync()
    {
        // The all-in-one node migrates the new database first; the others start on a migrated schema.
        AllInOne = new ConcordProcess("all-1", NodeSettings("api,gateway,worker", workerId: 1));
        await AllInOne.WaitReadyAsync(TimeSpan.FromMinutes(3));
        Api = new ConcordProcess("api-1", NodeSettings("api", workerId: 2));
        Gateway = new ConcordProcess("gateway-1", NodeSettings("gateway", workerId: 3));
        await Task.WhenAll(Api.WaitReadyAsync(TimeSpan.FromMinutes(3)), Gateway.WaitReadyAsync(TimeSpan.FromMinutes(3)));
        await StartBalancerAsync();
    }

    /// <summary>The settings every node shares (deploy/env/concord.env, as compose passes them), plus its roles and Snowflake worker id.</summary>
    public Dictionary<string, string> NodeSettings(string roles, int workerId)
    {
        var settings = DeployEnv.Read();
        foreach (var (key, value) in TestSettings(roles, workerId)) settings[key] = value;
        return settings;
    }

    /// <summary>What differs from a deployment: the addresses of this machine's services, test secrets, quieter logs.</summary>
    private Dictionary<string, string> TestSettings(string roles, int workerId) => new()
    {
        ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = _database, MaxPoolSize = 20 }.ConnectionString,
        ["ConnectionStrings:PostgresReadReplica"] = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresReplica) { Database = _database, MaxPoolSize = 10 }.ConnectionString,
        ["Redis:ConnectionString"] = TestEnvironment.Redis,
        ["Redis:KeyPrefix"] = _database + ":",
        ["Auth:JwtSigningKey"] = "fleet-signing-key-fleet-signing-key-0123456789",
        ["Auth:BcryptWorkFactor"] = "4",
        ["RateLimiting:Enabled"] = "false",
        ["Proxy:KnownProxies:0"] = "127.0.0.1",
        ["Snowflake:WorkerId"] = workerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Concord:Roles"] = roles,
        // HAProxy checks readiness every second and takes a node out after two failures (deploy/haproxy/haproxy.cfg).
        ["Concord:DrainDelay"] = "00:00:03",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Connection"] = "Critical",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Update"] = "Critical",
    };

    private async Task StartBalancerAsync()
    {
        var port = ConcordProcess.FreePort();
        BalancerUrl = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("haproxy", ["-db", "-f", Path.Combine(RepoRoot, "deploy", "haproxy", "haproxy.cfg")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["CONCORD_LB_BIND"] = $"127.0.0.1:{port}";
        info.Environment["CONCORD_API_1"] = $"127.0.0.1:{Api.Port}";
        info.Environment["CONCORD_API_2"] = $"127.0.0.1:{AllInOne.Port}";
        info.Environment["CONCORD_GATEWAY_1"] = $"127.0.0.1:{Gateway.Port}";
        info.Environment["CONCORD_GATEWAY_2"] = $"127.0.0.1:{AllInOne.Port}";
        _balancer = new Process { StartInfo = info };
        _balancer.OutputDataReceived += (_, e) => { lock (_balancerOutput) _balancerOutput.AppendLine(e.Data); };
        _balancer.ErrorDataReceived += (_, e) => { lock (_balancerOutput) _balancerOutput.AppendLine(e.Data); };
        _balancer.Start();
        _balancer.BeginOutputReadLine();
        _balancer.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) }; // a loaded box answers readiness slowly
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_balancer.HasExited) throw new InvalidOperationException($"haproxy exited:\n{BalancerOutput}");
            try
            {
                if ((await http.GetAsync($"{BalancerUrl}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"haproxy did not answer:\n{BalancerOutput}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// A rolling restart as an operator runs one: each node in turn gets SIGTERM, exits, and a new process of it starts
    /// and becomes ready before the next one stops.
    /// </summary>
    public async Task RollingRestartAsync()
    {
        Api = await RestartAsync(Api);
        Gateway = await RestartAsync(Gateway);
        AllInOne = await RestartAsync(AllInOne);
    }

    private static async Task<ConcordProcess> RestartAsync(ConcordProcess node)
    {
        await node.TerminateAsync(TimeSpan.FromSeconds(30));
        await node.DisposeAsync();
        var next = node.StartAgain();
        await next.WaitReadyAsync(TimeSpan.FromMinutes(2));
        return next;
    }

    public string BalancerOutput { get { lock (_balancerOutput) return _balancerOutput.ToString(); } }

    /// <summary>Everything the processes printed, for a failing test's message.</summary>
    public string Diagnostics() =>
        string.Join("\n", Nodes.Where(n => n is not null).Select(n => $"--- {n.Name}\n{Tail(n.Output)}")) + $"\n--- haproxy\n{Tail(BalancerOutput)}";

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    public async Task DisposeAsync()
    {
        if (_balancer is { HasExited: false })
        {
            _balancer.Kill();
            await _balancer.WaitForExitAsync();
        }
        _balancer?.Dispose();
        foreach (var node in Nodes.Where(n => n is not null)) await node.DisposeAsync();
    }
}
