using Concord.Server.Features.Channels;
using Concord.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Messages;

public sealed class Message
{
    public long Id { get; set; }
    public long ChannelId { get; set; }
    public long AuthorId { get; set; }
    public required string Content { get; set; }
    /// <summary>Client-chosen idempotency key; unique per (channel, author) while set.</summary>
    public string? Nonce { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EditedAt { get; set; }
    public User? Author { get; set; }
    public List<Media.Attachment> Attachments { get; set; } = [];
}

public static class MessageLimits
{
    public const int ContentMax = 2000;
    public const int NonceMax = 64;
    public const int AttachmentsMax = 10;
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Content).HasMaxLength(MessageLimits.ContentMax);
        b.Property(m => m.Nonce).HasMaxLength(MessageLimits.NonceMax);
        // Keyset pagination walks (channel_id, id); Snowflake ids are time-ordered so this is also "by time".
        b.HasIndex(m => new { m.ChannelId, m.Id });
        b.HasIndex(m => new { m.ChannelId, m.AuthorId, m.Nonce }).IsUnique().HasFilter("nonce IS NOT NULL");
        b.HasIndex(m => m.AuthorId);
        b.HasOne<Channel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Author).WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }
}
