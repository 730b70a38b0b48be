using Concord.Server.Features.Media.Storage;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Queue;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Media;

/// <summary>Previews for an image attachment of a sent message.</summary>
public sealed record ThumbnailJob(long AttachmentId, long MessageId, long ChannelId, long ServerId);

/// <summary>
/// Makes the two WebP previews and the placeholder, stores them content-addressed, records them with the attachment
/// and tells the channel (<c>attachment-processed</c>). Idempotent: a redelivered job finds the previews recorded and
/// only repeats the event; storing the same preview twice writes the same object.
/// </summary>
public sealed class ThumbnailJobHandler(IServiceScopeFactory scopes, IMediaStorage storage, ImageProcessor images, MediaUrls urls,
    IRealtimeEvents realtime) : IJobHandler
{
    public const string QueueName = "thumbnails";

    public string Queue => QueueName;

    public async Task HandleAsync(JobMessage message, CancellationToken ct)
    {
        var job = message.Read<ThumbnailJob>();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == job.AttachmentId, ct);
        if (attachment is null || !ContentSniffer.IsDecodableImage(attachment.ContentType)) return; // deleted meanwhile, or nothing to preview

        if (attachment.Previews is null)
        {
            byte[] source;
            await using (var stream = await storage.OpenReadAsync(MediaKeys.ForHash(attachment.Sha256), ct: ct)
                ?? throw new InvalidOperationException($"Attachment {attachment.Id}'s bytes are missing."))
            using (var buffer = new MemoryStream((int)attachment.Size))
            {
                await stream.CopyToAsync(buffer, ct);
                source = buffer.ToArray();
            }
            var previews = new List<StoredPreview>();
            foreach (var (name, box) in ImageProcessor.PreviewSizes)
            {
                var preview = images.Preview(source, box);
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(preview.Bytes));
                await storage.PutAsync(MediaKeys.ForHash(sha, "t"), new MemoryStream(preview.Bytes), ct);
                previews.Add(new StoredPreview(name, sha, preview.Width, preview.Height));
            }
            var (json, placeholder) = (StoredPreview.Serialize(previews), images.Placeholder(source));
            await db.Attachments.Where(a => a.Id == attachment.Id && a.Previews == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Previews, json).SetProperty(a => a.Placeholder, placeholder), ct);
            attachment = await db.Attachments.AsNoTracking().FirstAsync(a => a.Id == job.AttachmentId, ct);
        }
        await realtime.PublishAsync(Rooms.Channel(job.ChannelId), ServerEvents.AttachmentProcessed,
            new AttachmentProcessedEvent(job.MessageId, job.ChannelId, job.ServerId, urls.Sign(MediaService.ToDto(attachment))));
    }
}
