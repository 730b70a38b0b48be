namespace Concord.Server.Infrastructure.Hosting;

/// <summary>What one process of the fleet does. One binary, one schema: a role only decides what starts.</summary>
[Flags]
public enum NodeRoles
{
    None = 0,
    /// <summary>Serves <c>/api</c> (and the OpenAPI document); publishes events through the adapter.</summary>
    Api = 1,
    /// <summary>Serves the real-time gateway at <c>/socket.io</c>; keeps presence and typing for its sockets.</summary>
    Gateway = 2,
    /// <summary>Runs background work: relays, sweeps and queue consumers.</summary>
    Worker = 4,
    All = Api | Gateway | Worker,
}

/// <summary>Node settings (section <c>Concord</c>).</summary>
public sealed class NodeOptions
{
    public const string Section = "Concord";

    /// <summary>Comma-separated roles among <c>api</c>, <c>gateway</c>, <c>worker</c>; empty means all three.</summary>
    public string? Roles { get; set; }

    /// <summary>When set, every response carries it in <c>X-Concord-Node</c> (which node answered, behind a balancer).</summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// On SIGTERM, how long readiness fails before connections close (enough for the balancer's health checks to take
    /// the node out: HAProxy's inter × fall). Zero on a single box.
    /// </summary>
    public TimeSpan DrainDelay { get; set; }

    public static NodeRoles Parse(string? roles)
    {
        if (string.IsNullOrWhiteSpace(roles)) return NodeRoles.All;
        var parsed = NodeRoles.None;
        foreach (var part in roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            parsed |= part.ToLowerInvariant() switch
            {
                "api" => NodeRoles.Api,
                "gateway" => NodeRoles.Gateway,
                "worker" => NodeRoles.Worker,
                "all" => NodeRoles.All,
                _ => throw new InvalidOperationException($"Concord:Roles: unknown role '{part}' (use api, gateway, worker or all)."),
            };
        }
        return parsed;
    }
}
