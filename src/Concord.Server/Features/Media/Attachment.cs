using Concord.Server.Features.Messages;
using Concord.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Media;

/// <summary>
/// An uploaded file. Unattached until a message send claims it (<see cref="MessageId"/>); the bytes live in the
/// media store under <see cref="MediaKeys.ForHash"/> of <see cref="Sha256"/>, shared by identical uploads.
/// </summary>
public sealed class Attachment
{
    public long Id { get; set; }
    public long UploaderId { get; set; }
    /// <summary>Lower-case hex SHA-256 of the bytes: the storage key and the strong ETag.</summary>
    public required string Sha256 { get; set; }
    public required string Filename { get; set; }
    /// <summary>Sniffed from the bytes, never taken from the client.</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    /// <summary>The channel message that carries it; null while unattached. A concurrency token, so two sends cannot both claim it.</summary>
    public long? MessageId { get; set; }
    /// <summary>Image previews (JSON list of <see cref="PreviewDto"/> without URLs), filled by the thumbnail job.</summary>
    public string? Previews { get; set; }
    /// <summary>A tiny blurred WebP as a data: URI, shown while the preview loads.</summary>
    public string? Placeholder { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public static class AttachmentLimits
{
    public const int Sha256Length = 64;
    public const int ContentTypeMax = 100;
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Sha256).HasMaxLength(AttachmentLimits.Sha256Length);
        b.Property(a => a.Filename).HasMaxLength(FileNames.Max);
        b.Property(a => a.ContentType).HasMaxLength(AttachmentLimits.ContentTypeMax);
        b.Property(a => a.Previews).HasMaxLength(2000);
        b.Property(a => a.Placeholder).HasMaxLength(2000);
        b.Property(a => a.MessageId).IsConcurrencyToken();
        b.HasIndex(a => a.MessageId);
        b.HasIndex(a => a.Sha256);
        b.HasOne<User>().WithMany().HasForeignKey(a => a.UploaderId).OnDelete(DeleteBehavior.Cascade);
        // A deleted message frees its attachments for the clean-up job, which also removes the bytes.
        b.HasOne<Message>().WithMany(m => m.Attachments).HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.SetNull);
    }
}
