using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Servers;

/// <summary>A community ("guild"). Named ChatServer in code to avoid clashing with the word's other meanings.</summary>
public sealed class ChatServer
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? IconUrl { get; set; }
    public long OwnerId { get; set; }
    /// <summary>The server's main invite code; regenerating it kills the old one at once.</summary>
    public required string InviteCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Invite
{
    public required string Code { get; set; }
    public long ServerId { get; set; }
    public long CreatorId { get; set; }
    public int? MaxUses { get; set; }
    public int Uses { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Ban
{
    public long ServerId { get; set; }
    public long UserId { get; set; }
    public long BannedById { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class ServerConfiguration : IEntityTypeConfiguration<ChatServer>, IEntityTypeConfiguration<Invite>, IEntityTypeConfiguration<Ban>
{
    public const int InviteCodeMax = 32;

    public void Configure(EntityTypeBuilder<ChatServer> b)
    {
        b.ToTable("servers");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(100);
        b.Property(s => s.IconUrl).HasMaxLength(2048);
        b.Property(s => s.InviteCode).HasMaxLength(InviteCodeMax);
        b.HasIndex(s => s.InviteCode).IsUnique();
        b.HasOne<Users.User>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Invite> b)
    {
        b.HasKey(i => i.Code);
        b.Property(i => i.Code).HasMaxLength(InviteCodeMax);
        b.HasIndex(i => i.ServerId);
        b.HasOne<ChatServer>().WithMany().HasForeignKey(i => i.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Users.User>().WithMany().HasForeignKey(i => i.CreatorId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Ban> b)
    {
        b.HasKey(x => new { x.ServerId, x.UserId });
        b.Property(x => x.Reason).HasMaxLength(512);
        b.HasOne<ChatServer>().WithMany().HasForeignKey(x => x.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Users.User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
