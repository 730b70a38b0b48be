using Concord.Server.Features.Channels;
using Concord.Server.Features.Media;
using Concord.Server.Features.Mentions;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Queue;
using Concord.Server.Infrastructure.RateLimiting;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Concord.Server.Infrastructure.Outbox;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Messages;

/// <summary>
/// Channel messages: the one code path for REST and the real-time <c>send-message</c> event. Order of a send:
/// validate → permission → nonce replay → rate limit → insert (with its event, in the outbox) → publish (after the commit).
/// </summary>
public sealed class MessageService(ConcordDbContext db, [FromKeyedServices(DataServiceExtensions.Reads)] ConcordDbContext reads, ServerAccess access, SnowflakeGenerator ids, MessageRateLimiter limiter,
    IRealtimeEvents realtime, RealtimeOutbox outbox, IValidator<SendMessageRequest> sendValidator, TimeProvider time, ReadCache cache, RecentNonces nonces,
    MediaUrls urls, JobQueue jobs)
{
    private static readonly ApiError NotText = new(ErrorCode.BadRequest, "Voice channels have no messages.");

    private static readonly ApiError UnknownAttachment = ApiError.Field("attachments", "Each must be one of your uploads, not yet used in a message.");

    public async Task<SendResult<MessageDto>> SendAsync(long userId, long channelId, string? content, string? nonce, CancellationToken ct = default) =>
        await SendAsync(userId, channelId, new SendMessageRequest(content, nonce), ct);

    public async Task<SendResult<MessageDto>> SendAsync(long userId, long channelId, SendMessageRequest request, CancellationToken ct = default)
    {
        var (content, nonce) = (request.Content, request.Nonce);
        var validation = await sendValidator.ValidateAsync(request, ct);
        if (!validation.IsValid) return SendResult<MessageDto>.Fail(validation.ToApiError());
        var (channel, _, error) = await access.ChannelAsync(userId, channelId, ServerAction.SendMessages);
        if (error is not null) return SendResult<MessageDto>.Fail(error);
        if (channel!.Type != ChannelType.Text) return SendResult<MessageDto>.Fail(NotText);

        // A retry of a send that already happened answers with the first message and spends no rate-limit permit.
        // The database is asked only for a nonce this node or Redis has seen lately: a first send costs no lookup.
        var earlier = nonce is null || !await nonces.SeenAsync(userId, channelId, nonce, ct) ? null : await FindByNonceAsync(userId, channel, nonce, ct);
        if (earlier is not null && earlier.Id >= SnowflakeGenerator.MinIdAt(time.GetUtcNow() - MessageRules.NonceWindow))
            return new SendResult<MessageDto>(earlier, false, null, null);

        var decision = await limiter.AcquireAsync(userId, $"c{channelId}", ct);
        if (decision is { Allowed: false }) return SendResult<MessageDto>.Fail(MessageRules.TooFast, decision);

        // An expired nonce still held by an old message is given up inside InsertAsync, on the unique violation.

        var author = await cache.UserAsync(userId, token =>
            db.Users.Where(u => u.Id == userId).Select(u => new UserSummary(u.Id, u.Username, u.DisplayName, u.AvatarUrl)).FirstOrDefaultAsync(token), ct);
        var message = new Message
        {
            Id = ids.Next(),
            ChannelId = channelId,
            AuthorId = userId,
            Content = content?.Trim() ?? "",
            Nonce = nonce,
            CreatedAt = MessageRules.StoredInstant(time.GetUtcNow()),
        };
        // Built from what is written and the cached author, before the insert: the message and its outbox row go to the
        // database in one batch and one transaction (the send's one round trip), so a node that dies after the commit
        // leaves the event to another node's relay instead of losing it.
        // Attachments (claimed in the same save) join the DTO before it is staged.
        MessageDto? dto = null;
        PendingEvent? created = null;
        var (stored, gone) = await InsertAsync(message, channel, request.Attachments, claimed =>
        {
            dto = new MessageDto(message.Id, channelId, channel.ServerId, author!, message.Content, message.CreatedAt, null, nonce,
                claimed.OrderBy(a => a.Id).Select(MediaService.ToDto).ToList()).Signed(urls);
            created = outbox.Stage([Rooms.Channel(channelId)], ServerEvents.NewMessage, dto);
        }, ct);
        if (gone is not null) return SendResult<MessageDto>.Fail(gone, decision);
        if (stored is not null) return new SendResult<MessageDto>(stored, false, null, decision);
        await outbox.PublishAsync(created!);
        realtime.EndTyping(userId, Rooms.Channel(channelId));
        await EnqueueFollowUpsAsync(dto!, userId);
        return new SendResult<MessageDto>(dto!, true, null, decision);
    }

    /// <summary>The heavy work after a send runs on the workers: previews for images, mention notifications. The answer does not wait for it.</summary>
    private async Task EnqueueFollowUpsAsync(MessageDto dto, long authorId)
    {
        foreach (var a in dto.Attachments.Where(a => ContentSniffer.IsDecodableImage(a.ContentType)))
            await jobs.EnqueueAsync(ThumbnailJobHandler.QueueName, $"thumb:{a.Id}", new ThumbnailJob(a.Id, dto.Id, dto.ChannelId, dto.ServerId));
        if (MentionJobHandler.Pattern().IsMatch(dto.Content))
            await jobs.EnqueueAsync(MentionJobHandler.QueueName, $"mention:{dto.Id}", new MentionJob(dto.Id, dto.ChannelId, dto.ServerId, authorId, dto.Content));
    }

    /// <summary>
    /// Inserts the message, with what <paramref name="stage"/> adds (its outbox row) in the same batch. Nulls once written; when its nonce is taken, the message holding it (a concurrent retry);
    /// 404 when the channel was deleted after the cached check.
    /// </summary>
    private async Task<(MessageDto? Holder, ApiError? Gone)> InsertAsync(Message message, ChannelInfo channel,
        IReadOnlyList<long>? attachmentIds, Action<List<Attachment>> stage, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            db.Messages.Add(message);
            List<Attachment> claimed = [];
            if (attachmentIds is { Count: > 0 })
            {
                var wanted = attachmentIds.ToArray();
                claimed = await db.Attachments.Where(a => wanted.Contains(a.Id) && a.UploaderId == message.AuthorId && a.MessageId == null).ToListAsync(ct);
                if (claimed.Count != wanted.Length) { db.ChangeTracker.Clear(); return (null, UnknownAttachment); }
                // MessageId is a concurrency token: the UPDATE says "WHERE message_id IS NULL", so two sends cannot both claim one upload.
                foreach (var a in claimed) a.MessageId = message.Id;
            }
            stage(claimed); // again on a retry: the failed attempt's rows were cleared
            try
            {
                await db.SaveChangesAsync(ct);
                return (null, null);
            }
            catch (DbUpdateConcurrencyException)
            {
                return (null, UnknownAttachment);
            }
            catch (DbUpdateException ex) when (message.Nonce is not null && db.IsUniqueViolation(ex) && attempt == 0)
            {
                // A concurrent retry won the insert, or an old message (its marker gone) still holds the nonce.
                db.ChangeTracker.Clear();
                var holder = await FindByNonceAsync(message.AuthorId, channel, message.Nonce, ct);
                if (holder is null) throw;
                if (holder.Id >= SnowflakeGenerator.MinIdAt(time.GetUtcNow() - MessageRules.NonceWindow)) return (holder, null);
                // Expired: the old message gives the nonce up and the send goes ahead.
                await db.Messages.Where(m => m.Id == holder.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Nonce, (string?)null), ct);
            }
            catch (DbUpdateException ex) when (db.IsForeignKeyViolation(ex))
            {
                return (null, ApiError.NotFound("Channel"));
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<MessageDto?> FindByNonceAsync(long userId, ChannelInfo channel, string nonce, CancellationToken ct) =>
        (await db.Messages.AsNoTracking()
            .Where(m => m.ChannelId == channel.Id && m.AuthorId == userId && m.Nonce == nonce)
            .Select(MessageDto.Projection(channel.ServerId))
            .FirstOrDefaultAsync(ct))?.Signed(urls);

    public async Task<(List<MessageDto>? Page, ApiError? Error)> ListAsync(long userId, long channelId, PageRequest page, CancellationToken ct = default)
    {
        var (channel, _, error) = await access.ChannelAsync(userId, channelId, ServerAction.View);
        if (error is not null) return (null, error);
        if (channel!.Type != ChannelType.Text) return (null, NotText);
        // The page comes from the read replica when there is one; the permission check above used the primary.
        var messages = await reads.Messages.AsNoTracking().Where(m => m.ChannelId == channelId)
            .PageAsync(page, m => m.Id, MessageDto.Projection(channel.ServerId), ct);
        return (messages.Select(m => m.Signed(urls)).ToList(), null);
    }

    /// <summary>Only the author edits.</summary>
    public async Task<(MessageDto? Message, ApiError? Error)> EditAsync(long userId, long messageId, string content, CancellationToken ct = default)
    {
        var (target, error) = await LocateAsync(userId, messageId, ct);
        if (error is not null) return (null, error);
        if (target!.AuthorId != userId) return (null, ApiError.Forbidden("Only the author can edit a message."));

        var now = time.GetUtcNow();
        var trimmed = content.Trim();
        MessageDto? dto;
        PendingEvent updatedEvent;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var updated = await db.Messages.Where(m => m.Id == messageId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, trimmed).SetProperty(m => m.EditedAt, now), ct);
            if (updated == 0) return (null, ApiError.NotFound("Message"));
            dto = (await db.Messages.AsNoTracking().Where(m => m.Id == messageId).Select(MessageDto.Projection(target.ServerId)).FirstOrDefaultAsync(ct))?.Signed(urls);
            if (dto is null) return (null, ApiError.NotFound("Message")); // deleted meanwhile
            updatedEvent = outbox.Stage([Rooms.Channel(dto.ChannelId)], ServerEvents.MessageUpdated, dto);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await tx.CommitAsync(ct);
        }
        await outbox.PublishAsync(updatedEvent);
        return (dto, null);
    }

    /// <summary>The author, or a member allowed to manage messages (the server's admins and owner).</summary>
    public async Task<ApiError?> DeleteAsync(long userId, long messageId, CancellationToken ct = default)
    {
        var (target, error) = await LocateAsync(userId, messageId, ct);
        if (error is not null) return error;
        if (target!.AuthorId != userId && !PermissionRules.Allows(target.Role, ServerAction.ManageMessages))
            return ApiError.Forbidden("Only the author, an admin or the owner can delete a message.");
        PendingEvent deleted;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (await db.Messages.Where(m => m.Id == messageId).ExecuteDeleteAsync(ct) == 0) return ApiError.NotFound("Message");
            deleted = outbox.Stage([Rooms.Channel(target.ChannelId)], ServerEvents.MessageDeleted,
                new MessageDeletedEvent(messageId, target.ChannelId, target.ServerId));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await tx.CommitAsync(ct);
        }
        await outbox.PublishAsync(deleted);
        return null;
    }

    private sealed record Target(long AuthorId, long ChannelId, long ServerId, Members.MemberRole Role);

    /// <summary>The message and the caller's role on its server; 404 when either is missing (a non-member learns nothing).</summary>
    private async Task<(Target?, ApiError?)> LocateAsync(long userId, long messageId, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking().Where(m => m.Id == messageId)
            .Select(m => new { m.AuthorId, m.ChannelId }).FirstOrDefaultAsync(ct);
        if (message is null) return (null, ApiError.NotFound("Message"));
        var (channel, role, error) = await access.ChannelAsync(userId, message.ChannelId, ServerAction.View);
        if (error is not null) return (null, ApiError.NotFound("Message"));
        return (new Target(message.AuthorId, message.ChannelId, channel!.ServerId, role), null);
    }
}
