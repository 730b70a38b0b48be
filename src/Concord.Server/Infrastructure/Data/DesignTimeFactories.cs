using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Concord.Server.Infrastructure.Data;

// Used only by `dotnet ef migrations add`; see tools/add-migration.sh.
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresConcordDbContext>
{
    public PostgresConcordDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresConcordDbContext>()
        .UseNpgsql("Host=localhost", o => o.MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention().Options);
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteConcordDbContext>
{
    public SqliteConcordDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqliteConcordDbContext>()
        .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("__ef_migrations_history"))
        .UseSnakeCaseNamingConvention().Options);
}
