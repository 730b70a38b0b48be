namespace Concord.Server.Infrastructure.Data;

/// <summary>Database settings (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>"Postgres" or "Sqlite". Empty: Postgres when <c>ConnectionStrings:Postgres</c> is set, else Sqlite.</summary>
    public string? Provider { get; set; }

    /// <summary>How long a SQLite write may queue for the process's one write slot (<see cref="SqliteWriteGate"/>) before it fails.</summary>
    public TimeSpan SqliteWriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Apply pending migrations at start-up.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// PostgreSQL connect timeout (Npgsql's <c>Timeout</c>, 15 s by default there), so an unreachable database answers
    /// 503 quickly. A <c>Timeout=</c> written in the connection string wins.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The connection string with <see cref="ConnectTimeout"/> applied unless it sets its own.</summary>
    internal string WithConnectTimeout(string connectionString)
    {
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (parsed.ContainsKey("Timeout")) return connectionString;
        parsed["Timeout"] = Math.Max(1, (int)Math.Ceiling(ConnectTimeout.TotalSeconds));
        return parsed.ConnectionString;
    }
}
