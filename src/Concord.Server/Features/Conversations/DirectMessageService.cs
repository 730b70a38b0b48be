using Concord.Server.Features.Messages;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.RateLimiting;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Concord.Server.Infrastructure.Outbox;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Conversations;

/// <summary>
/// Direct messages, with the channel-message rules: validate → participant → nonce replay → rate limit → insert
/// (and move the conversation's LastMessageId, and stage the event in the outbox, in one transaction) → publish.
/// Non-participants get 404.
/// </summary>
public sealed class DirectMessageService(ConcordDbContext db, [FromKeyedServices(DataServiceExtensions.Reads)] ConcordDbContext reads, SnowflakeGenerator ids, MessageRateLimiter limiter,
    IRealtimeEvents realtime, RealtimeOutbox outbox, IValidator<SendMessageRequest> sendValidator, TimeProvider time, ConversationAccess access)
{
    public async Task<SendResult<DirectMessageDto>> SendAsync(long userId, long conversationId, string? content, string? nonce, CancellationToken ct = default)
    {
        var validation = await sendValidator.ValidateAsync(new SendMessageRequest(content, nonce), ct);
        if (!validation.IsValid) return SendResult<DirectMessageDto>.Fail(validation.ToApiError());
        var (participants, denied) = await access.ParticipantsAsync(userId, conversationId, ct);
        if (denied is not null) return SendResult<DirectMessageDto>.Fail(denied);

        var earlier = nonce is null ? null : await FindByNonceAsync(userId, conversationId, nonce, ct);
        if (earlier is not null && earlier.Id >= SnowflakeGenerator.MinIdAt(time.GetUtcNow() - MessageRules.NonceWindow))
            return new SendResult<DirectMessageDto>(earlier, false, null, null);

        var decision = await limiter.AcquireAsync(userId, $"d{conversationId}", ct);
        if (decision is { Allowed: false }) return SendResult<DirectMessageDto>.Fail(MessageRules.TooFast, decision);

        var message = new DirectMessage
        {
            Id = ids.Next(),
            ConversationId = conversationId,
            AuthorId = userId,
            Content = content!.Trim(),
            Nonce = nonce,
            CreatedAt = MessageRules.StoredInstant(time.GetUtcNow()),
        };
        // Built before the insert so the message and its outbox row go in one batch (see MessageService.SendAsync).
        var author = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new UserSummary(u.Id, u.Username, u.DisplayName, u.AvatarUrl)).FirstAsync(ct);
        var dto = new DirectMessageDto(message.Id, conversationId, author, message.Content, message.CreatedAt, null, nonce);
        PendingEvent created;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (earlier is not null) // an expired nonce is given up by its old message
                await db.DirectMessages.Where(m => m.Id == earlier.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Nonce, (string?)null), ct);
            db.DirectMessages.Add(message);
            created = outbox.Stage(Rooms.ConversationAudience(conversationId, participants), ServerEvents.NewDirectMessage, dto);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (nonce is not null && db.IsUniqueViolation(ex))
            {
                // A concurrent retry with the same nonce won the insert: answer with its message.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var winner = await FindByNonceAsync(userId, conversationId, nonce, ct);
                if (winner is null) throw;
                return new SendResult<DirectMessageDto>(winner, false, null, decision);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
            // Only ever forward: a slower concurrent send with an older id leaves the newer one in place.
            await db.Conversations.Where(c => c.Id == conversationId && (c.LastMessageId == null || c.LastMessageId < message.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastMessageId, (long?)message.Id), ct);
            await tx.CommitAsync(ct);
        }
        await outbox.PublishAsync(created);
        realtime.EndTyping(userId, Rooms.Conversation(conversationId));
        return new SendResult<DirectMessageDto>(dto, true, null, decision);
    }

    public async Task<(List<DirectMessageDto>? Page, ApiError? Error)> ListAsync(long userId, long conversationId, PageRequest page, CancellationToken ct = default)
    {
        if (await access.CheckAsync(userId, conversationId, ct) is { } denied) return (null, denied);
        var messages = await reads.DirectMessages.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .PageAsync(page, m => m.Id, DirectMessageDto.Projection, ct);
        return (messages, null);
    }

    /// <summary>Only the author edits; participants get <c>direct-message-updated</c>.</summary>
    public async Task<(DirectMessageDto? Message, ApiError? Error)> EditAsync(long userId, long conversationId, long messageId, string content, CancellationToken ct = default)
    {
        var (participants, denied) = await OwnMessageAsync(userId, conversationId, messageId, "edit", ct);
        if (denied is not null) return (null, denied);

        var now = time.GetUtcNow();
        var trimmed = content.Trim();
        DirectMessageDto? dto;
        PendingEvent updated;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // The author in the condition too: ownership is checked by the write itself.
            if (await db.DirectMessages.Where(m => m.Id == messageId && m.AuthorId == userId)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, trimmed).SetProperty(m => m.EditedAt, now), ct) == 0)
                return (null, ApiError.NotFound("Message"));
            dto = await db.DirectMessages.AsNoTracking().Where(m => m.Id == messageId).Select(DirectMessageDto.Projection).FirstOrDefaultAsync(ct);
            if (dto is null) return (null, ApiError.NotFound("Message")); // deleted meanwhile
            updated = outbox.Stage(Rooms.ConversationAudience(conversationId, participants), ServerEvents.DirectMessageUpdated, dto);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await tx.CommitAsync(ct);
        }
        await outbox.PublishAsync(updated);
        return (dto, null);
    }

    /// <summary>Only the author deletes; the conversation's last message falls back to the newest remaining one.</summary>
    public async Task<ApiError?> DeleteAsync(long userId, long conversationId, long messageId, CancellationToken ct = default)
    {
        var (participants, denied) = await OwnMessageAsync(userId, conversationId, messageId, "delete", ct);
        if (denied is not null) return denied;

        PendingEvent deleted;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (await db.DirectMessages.Where(m => m.Id == messageId).ExecuteDeleteAsync(ct) == 0) return ApiError.NotFound("Message");
            await db.Conversations.Where(c => c.Id == conversationId && c.LastMessageId == messageId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastMessageId,
                    c => db.DirectMessages.Where(m => m.ConversationId == conversationId).Max(m => (long?)m.Id)), ct);
            deleted = outbox.Stage(Rooms.ConversationAudience(conversationId, participants), ServerEvents.DirectMessageDeleted,
                new DirectMessageDeletedEvent(messageId, conversationId));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            await tx.CommitAsync(ct);
        }
        await outbox.PublishAsync(deleted);
        return null;
    }

    /// <summary>
    /// Edits and deletes: the caller must be a participant (else 404, the conversation is not revealed) and the message's
    /// author (else 403). Returns the participants, who hear of the change.
    /// </summary>
    private async Task<(List<long> Participants, ApiError? Error)> OwnMessageAsync(long userId, long conversationId, long messageId, string verb, CancellationToken ct)
    {
        var (participants, denied) = await access.ParticipantsAsync(userId, conversationId, ct);
        if (denied is not null) return (participants, denied);
        var authorId = await db.DirectMessages.Where(m => m.Id == messageId && m.ConversationId == conversationId)
            .Select(m => (long?)m.AuthorId).FirstOrDefaultAsync(ct);
        if (authorId is null) return (participants, ApiError.NotFound("Message"));
        if (authorId != userId) return (participants, ApiError.Forbidden($"Only the author can {verb} a direct message."));
        return (participants, null);
    }

    private Task<DirectMessageDto?> FindByNonceAsync(long userId, long conversationId, string nonce, CancellationToken ct) =>
        db.DirectMessages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.AuthorId == userId && m.Nonce == nonce)
            .Select(DirectMessageDto.Projection).FirstOrDefaultAsync(ct);
}
