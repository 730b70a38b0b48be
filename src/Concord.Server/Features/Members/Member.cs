using Concord.Server.Features.Servers;
using Concord.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Members;

/// <summary>Ordered so that a higher value outranks a lower one: owner > admin > member.</summary>
public enum MemberRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}

public sealed class Member
{
    public long ServerId { get; set; }
    public long UserId { get; set; }
    public MemberRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
    public User? User { get; set; }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b)
    {
        // (server_id, user_id) is the primary key: the membership check on every hot path is one index probe.
        b.HasKey(m => new { m.ServerId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.HasOne<ChatServer>().WithMany().HasForeignKey(m => m.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
