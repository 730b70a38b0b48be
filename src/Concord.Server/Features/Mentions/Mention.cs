using Concord.Server.Features.Channels;
using Concord.Server.Features.Messages;
using Concord.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Mentions;

/// <summary>
/// A member mentioned (<c>&lt;@id&gt;</c>) in a channel message, not yet read. One row per (user, message): the key
/// makes the mention job idempotent, and counting rows per channel gives the unread-mention count.
/// </summary>
public sealed class Mention
{
    public long UserId { get; set; }
    public long MessageId { get; set; }
    public long ChannelId { get; set; }
    public long ServerId { get; set; }
}

internal sealed class MentionConfiguration : IEntityTypeConfiguration<Mention>
{
    public void Configure(EntityTypeBuilder<Mention> b)
    {
        b.HasKey(m => new { m.UserId, m.MessageId });
        b.HasIndex(m => new { m.UserId, m.ChannelId });
        b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Message>().WithMany().HasForeignKey(m => m.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Channel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
