using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Concord.Server.Tests.Infrastructure;

public enum Backend
{
    /// <summary>PostgreSQL + Redis: the production shape.</summary>
    Postgres,
    /// <summary>SQLite + in-process store: what `dotnet run` uses with nothing configured.</summary>
    Sqlite,
}

/// <summary>
/// The real server on a fresh database of its own. One per test class (a class fixture);
/// tests inside a class share it and keep apart by using unique users.
/// </summary>
public class ConcordApp : WebApplicationFactory<Program>
{
    private readonly string _database = "concord_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _sqliteFile;
    private readonly Dictionary<string, string?> _settings = new();

    public ConcordApp(Backend backend, IDictionary<string, string?>? settings = null, string? reuseDatabaseOf = null)
    {
        Backend = backend;
        if (reuseDatabaseOf is not null) _database = reuseDatabaseOf;
        _sqliteFile = Path.Combine(Path.GetTempPath(), _database + ".db");
        _settings["Auth:BcryptWorkFactor"] = "4";
        _settings["Auth:JwtSigningKey"] = "test-signing-key-test-signing-key-0123456789";
        _settings["RateLimiting:Enabled"] = "false";
        _settings["Logging:LogLevel:Default"] = "Warning";
        _settings["Logging:LogLevel:Concord.Requests"] = "Warning";
        // Migrate() first tries the not-yet-created test database and logs that failure before creating it.
        _settings["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Connection"] = "Critical";
        // Unique violations the code expects and handles (nonce and DM races) would each print a stack trace.
        _settings["Logging:LogLevel:Microsoft.EntityFrameworkCore.Update"] = "Critical";
        _settings["Cors:AllowedOrigins:0"] = "https://app.concord.test";
        if (backend == Backend.Postgres)
        {
            _settings["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = _database }.ConnectionString;
            _settings["Redis:ConnectionString"] = TestEnvironment.Redis;
            _settings["Redis:KeyPrefix"] = $"{_database}:";
        }
        else
        {
            _settings["ConnectionStrings:Postgres"] = "";
            _settings["ConnectionStrings:Sqlite"] = $"Data Source={_sqliteFile}";
            _settings["Redis:ConnectionString"] = "";
        }
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) _settings[k] = v;
    }

    public Backend Backend { get; }

    /// <summary>Where <see cref="NewUser"/>'s client sends requests: the in-process server, or Kestrel's address.</summary>
    public virtual Uri ClientBase => new("http://localhost");
    public string DatabaseName => _database;
    /// <summary>Keeps the SQLite file after disposal, for a test that opens it again with <c>reuseDatabaseOf</c>.</summary>
    public bool KeepDatabase { get; init; }
    /// <summary>What the server logged at Warning and above, for failure messages of end-to-end scenarios.</summary>
    public RecentLogs RecentWarnings { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(logging => logging.AddProvider(RecentWarnings));
    }

    /// <summary>A client that keeps cookies, like a browser, and sends the CSRF token once it has one.</summary>
    public TestUser NewUser() => new(this);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Backend != Backend.Sqlite) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // One file per SQLite test host; left behind they filled a developer's temp folder (thousands after a few runs).
        if (!KeepDatabase)
            foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" }) File.Delete(file);
    }
}

public sealed class PostgresApp() : ConcordApp(Backend.Postgres);

/// <summary>A SQLite host whose <typeparamref name="TService"/> is <typeparamref name="TReplacement"/>: a dependency made to fail.</summary>
public sealed class AppWith<TService, TReplacement>() : ConcordApp(Backend.Sqlite)
    where TService : class
    where TReplacement : class, TService
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TService>();
            services.AddSingleton<TService, TReplacement>();
        });
    }
}
public sealed class SqliteApp() : ConcordApp(Backend.Sqlite);
