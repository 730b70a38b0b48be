using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Infrastructure.Outbox;

/// <summary>
/// A real-time event written in the same transaction as the change it announces, and deleted once published.
/// A row that outlives its node (a crash between commit and publish) is published by <see cref="OutboxRelay"/>.
/// The id is a Snowflake, so it also says when the row was written.
/// </summary>
public sealed class OutboxEvent
{
    public long Id { get; set; }
    /// <summary>The rooms, as a JSON array of strings.</summary>
    public required string Rooms { get; set; }
    public required string EventName { get; set; }
    /// <summary>The payload, as the JSON the sockets receive.</summary>
    public required string Payload { get; set; }
}

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> e)
    {
        e.ToTable("outbox_events");
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.EventName).HasMaxLength(64);
    }
}
