using Concord.Server.Features.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Channels;

public enum ChannelType
{
    Text = 0,
    Voice = 1,
}

public sealed class Channel
{
    public long Id { get; set; }
    public long ServerId { get; set; }
    public required string Name { get; set; }
    public ChannelType Type { get; set; }
    public int Position { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> b)
    {
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Name).HasMaxLength(100);
        b.HasIndex(c => new { c.ServerId, c.Position });
        b.HasOne<ChatServer>().WithMany().HasForeignKey(c => c.ServerId).OnDelete(DeleteBehavior.Cascade);
    }
}
