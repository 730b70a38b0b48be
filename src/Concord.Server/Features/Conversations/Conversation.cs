using Concord.Server.Features.Messages;
using Concord.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Conversations;

public sealed class Conversation
{
    public long Id { get; set; }
    public bool IsGroup { get; set; }
    public string? Name { get; set; }
    /// <summary>"lowId:highId" for a 1:1 conversation, null for groups; unique, so one pair never gets two.</summary>
    public string? DirectKey { get; set; }
    public long CreatorId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Id of the newest message (Snowflake, so also its time); orders the conversation list.</summary>
    public long? LastMessageId { get; set; }
    public List<ConversationParticipant> Participants { get; set; } = [];
}

public sealed class ConversationParticipant
{
    public long ConversationId { get; set; }
    public long UserId { get; set; }
    public DateTimeOffset JoinedAt { get; set; }
    public User? User { get; set; }
}

public sealed class DirectMessage
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public long AuthorId { get; set; }
    public required string Content { get; set; }
    public string? Nonce { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public User? Author { get; set; }
}

internal sealed class ConversationConfiguration :
    IEntityTypeConfiguration<Conversation>, IEntityTypeConfiguration<ConversationParticipant>, IEntityTypeConfiguration<DirectMessage>
{
    public void Configure(EntityTypeBuilder<Conversation> b)
    {
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.DirectKey).HasMaxLength(48);
        b.HasIndex(c => c.DirectKey).IsUnique().HasFilter("direct_key IS NOT NULL");
        b.HasMany(c => c.Participants).WithOne().HasForeignKey(p => p.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ConversationParticipant> b)
    {
        b.HasKey(p => new { p.ConversationId, p.UserId });
        b.HasIndex(p => p.UserId);
        b.HasOne(p => p.User).WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DirectMessage> b)
    {
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Content).HasMaxLength(MessageLimits.ContentMax);
        b.Property(m => m.Nonce).HasMaxLength(MessageLimits.NonceMax);
        b.HasIndex(m => new { m.ConversationId, m.Id });
        b.HasIndex(m => new { m.ConversationId, m.AuthorId, m.Nonce }).IsUnique().HasFilter("nonce IS NOT NULL");
        b.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Author).WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }
}
