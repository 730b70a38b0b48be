using Concord.Server.Features.Channels;
using Concord.Server.Features.Conversations;
using Concord.Server.Features.Members;
using Concord.Server.Features.Messages;
using Concord.Server.Features.Servers;
using Concord.Server.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Infrastructure.Data;

/// <summary>
/// The one model. Each provider gets a thin subclass so that each keeps its own migrations
/// (types and SQL differ between PostgreSQL and SQLite).
/// </summary>
public abstract class ConcordDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<ChatServer> Servers => Set<ChatServer>();
    public DbSet<Invite> Invites => Set<Invite>();
    public DbSet<Ban> Bans => Set<Ban>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationParticipant> ConversationParticipants => Set<ConversationParticipant>();
    public DbSet<DirectMessage> DirectMessages => Set<DirectMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ConcordDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored as their names: readable in SQL and safe against reordering.
        configurationBuilder.Properties<MemberRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ChannelType>().HaveConversion<string>().HaveMaxLength(16);
    }

    /// <summary>True when the exception is a unique-constraint violation on either provider.</summary>
    public abstract bool IsUniqueViolation(DbUpdateException exception);

    /// <summary>The row refers to one that is gone (e.g. a message to a channel deleted meanwhile).</summary>
    public abstract bool IsForeignKeyViolation(DbUpdateException exception);
}

public sealed class PostgresConcordDbContext(DbContextOptions<PostgresConcordDbContext> options) : ConcordDbContext(options)
{
    public override bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };

    public override bool IsForeignKeyViolation(DbUpdateException exception) =>
        exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.ForeignKeyViolation };
}

/// <summary>
/// Reads from a PostgreSQL streaming replica (<c>ConnectionStrings:PostgresReadReplica</c>): page reads that may lag
/// the primary by a moment. Never migrated, never written.
/// </summary>
public sealed class PostgresReplicaConcordDbContext(DbContextOptions<PostgresReplicaConcordDbContext> options) : ConcordDbContext(options)
{
    public override bool IsUniqueViolation(DbUpdateException exception) => false;
    public override bool IsForeignKeyViolation(DbUpdateException exception) => false;

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => throw ReadOnly();
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) => throw ReadOnly();
    private static InvalidOperationException ReadOnly() => new("The read replica context is read-only.");
}

public sealed class SqliteConcordDbContext(DbContextOptions<SqliteConcordDbContext> options) : ConcordDbContext(options)
{
    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public override bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    // SQLITE_CONSTRAINT_FOREIGNKEY (787).
    public override bool IsForeignKeyViolation(DbUpdateException exception) =>
        exception.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 787 };
}
