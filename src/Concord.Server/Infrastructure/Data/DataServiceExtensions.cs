using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Infrastructure.Data;

public static class DataServiceExtensions
{
    /// <summary>
    /// Registers <see cref="ConcordDbContext"/> on PostgreSQL when a connection string is configured,
    /// otherwise on an embedded SQLite file so a fresh clone runs with no servers.
    /// </summary>
    public static WebApplicationBuilder AddConcordData(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        builder.Services.AddSingleton(options);
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        var provider = string.IsNullOrWhiteSpace(options.Provider)
            ? (string.IsNullOrWhiteSpace(postgres) ? "Sqlite" : "Postgres")
            : options.Provider;

        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(postgres))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is empty.");
            builder.Services.AddDbContextPool<PostgresConcordDbContext>(o => o
                .UseNpgsql(postgres, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
                .UseSnakeCaseNamingConvention());
            builder.Services.AddScoped<ConcordDbContext>(sp => sp.GetRequiredService<PostgresConcordDbContext>());
        }
        else
        {
            var sqlite = builder.Configuration.GetConnectionString("Sqlite") ?? "Data Source=concord.db";
            builder.Services.AddDbContextPool<SqliteConcordDbContext>(o => o
                .UseSqlite(sqlite, s => s.MigrationsHistoryTable("__ef_migrations_history"))
                .UseSnakeCaseNamingConvention());
            builder.Services.AddScoped<ConcordDbContext>(sp => sp.GetRequiredService<SqliteConcordDbContext>());
        }

        builder.Services.AddHealthChecks().AddDbContextCheck<ConcordDbContext>("database", tags: ["ready"]);
        return builder;
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
