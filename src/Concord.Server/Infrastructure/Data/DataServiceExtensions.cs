using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Concord.Server.Infrastructure.Data;

public static class DataServiceExtensions
{
    /// <summary>
    /// Registers <see cref="ConcordDbContext"/> on PostgreSQL when a connection string is configured,
    /// otherwise on an embedded SQLite file so a fresh clone runs with no servers.
    /// </summary>
    /// <summary>
    /// Key of the <see cref="ConcordDbContext"/> for read-heavy queries (message pages, conversation lists):
    /// the PostgreSQL read replica when one is configured, otherwise the primary.
    /// Authorization checks stay on the primary, so a kicked member is refused at once whatever the replica's lag.
    /// </summary>
    public const string Reads = "reads";

    public static WebApplicationBuilder AddConcordData(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        if (options.ConnectTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Database:ConnectTimeout must be positive.");
        builder.Services.AddSingleton(options);
        // Every registered interceptor joins every context (the round-trip counter; tests add recorders).
        builder.Services.AddSingleton<IInterceptor, RoundTripCounter>();
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        if (UsesPostgres(builder.Configuration))
        {
            if (string.IsNullOrWhiteSpace(postgres))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is empty.");
            builder.Services.AddDbContextPool<PostgresConcordDbContext>((sp, o) => o
                .UseNpgsql(options.WithConnectTimeout(postgres), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(sp.GetServices<IInterceptor>()));
            builder.Services.AddScoped<ConcordDbContext>(sp => sp.GetRequiredService<PostgresConcordDbContext>());
            var replica = builder.Configuration.GetConnectionString("PostgresReadReplica");
            if (!string.IsNullOrWhiteSpace(replica))
            {
                builder.Services.AddDbContextPool<PostgresReplicaConcordDbContext>((sp, o) => o
                    .UseNpgsql(options.WithConnectTimeout(replica))
                    .UseSnakeCaseNamingConvention()
                    .AddInterceptors(sp.GetServices<IInterceptor>())
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking));
                builder.Services.AddKeyedScoped<ConcordDbContext>(Reads, (sp, _) => sp.GetRequiredService<PostgresReplicaConcordDbContext>());
                builder.Services.AddHealthChecks().AddDbContextCheck<PostgresReplicaConcordDbContext>("database-replica", tags: ["ready"]);
            }
        }
        else
        {
            var sqlite = builder.Configuration.GetConnectionString("Sqlite") ?? "Data Source=concord.db";
            if (options.SqliteWriteTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Database:SqliteWriteTimeout must be positive.");
            var gate = new SqliteWriteGate(options.SqliteWriteTimeout);
            builder.Services.AddSingleton(gate);
            builder.Services.AddDbContextPool<SqliteConcordDbContext>((sp, o) => o
                .UseSqlite(sqlite, s => s.MigrationsHistoryTable("__ef_migrations_history"))
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(sp.GetServices<IInterceptor>())
                .AddInterceptors(gate));
            builder.Services.AddScoped<ConcordDbContext>(sp => sp.GetRequiredService<SqliteConcordDbContext>());
        }

        builder.Services.TryAddKeyedScoped<ConcordDbContext>(Reads, (sp, _) => sp.GetRequiredService<ConcordDbContext>());
        builder.Services.AddHealthChecks().AddDbContextCheck<ConcordDbContext>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>PostgreSQL when <c>Database:Provider</c> says so, or when it is empty and a PostgreSQL connection string is set.</summary>
    public static bool UsesPostgres(IConfiguration configuration)
    {
        var provider = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider;
        return string.IsNullOrWhiteSpace(provider)
            ? !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres"))
            : provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Applies migrations unless <c>Database:MigrateOnStartup</c> is false.</summary>
    public static async Task MigrateConcordDatabaseAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<DatabaseOptions>().MigrateOnStartup) return;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        await db.Database.MigrateAsync();
    }
}
