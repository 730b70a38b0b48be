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
}
