using Concord.Server.Features.Messages;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Conversations;

/// <summary>Opening conversations, listing the caller's, leaving groups. A pair of users never gets two 1:1 conversations.</summary>
public sealed class ConversationService(ConcordDbContext db, [FromKeyedServices(DataServiceExtensions.Reads)] ConcordDbContext reads, SnowflakeGenerator ids,
    TimeProvider time, IRealtimeEvents realtime, ConversationAccess access)
{
    private static readonly ApiError NotFound = ConversationAccess.NotFound;

    /// <summary>
    /// Any participant adds a user to a group (up to <see cref="ConversationLimits.GroupMaxParticipants"/>); the newcomer
    /// sees the history, as in Discord's group DMs. Adding someone already there changes nothing. A 1:1 conversation
    /// takes no third person (409): open a group instead.
    /// </summary>
    public async Task<(ConversationDto? Conversation, ApiError? Error)> AddParticipantAsync(long userId, long conversationId, long newUserId, CancellationToken ct = default)
    {
        bool added;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Locks the conversation row: concurrent adds are counted one after another, so the cap holds.
            if (!await LockAsync(conversationId, ct)) return (null, NotFound);
            var (participants, denied) = await access.ParticipantsAsync(userId, conversationId, ct);
            if (denied is not null) return (null, denied);
            if (!await db.Conversations.AnyAsync(c => c.Id == conversationId && c.IsGroup, ct))
                return (null, new ApiError(ErrorCode.Conflict, "A direct conversation takes no third person; open a group instead."));
            added = !participants.Contains(newUserId);
            if (added)
            {
                if (participants.Count >= ConversationLimits.GroupMaxParticipants)
                    return (null, new ApiError(ErrorCode.Conflict, $"A group has at most {ConversationLimits.GroupMaxParticipants} participants."));
                if (!await db.Users.AnyAsync(u => u.Id == newUserId, ct)) return (null, ApiError.NotFound("User"));
                db.ConversationParticipants.Add(new ConversationParticipant { ConversationId = conversationId, UserId = newUserId, JoinedAt = time.GetUtcNow() });
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            await tx.CommitAsync(ct);
        }
        var conversation = await GetAsync(conversationId, ct);
        if (added && conversation?.Participants.FirstOrDefault(p => p.Id == newUserId) is { } newcomer)
            await realtime.PublishAsync(Rooms.ConversationAudience(conversationId, conversation.Participants.Select(p => p.Id)),
                ServerEvents.ConversationParticipantAdded, new ParticipantAddedEvent(conversationId, newcomer));
        return (conversation, null);
    }

    /// <summary>A no-op update that locks the conversation's row until the transaction ends; false when it does not exist.</summary>
    private async Task<bool> LockAsync(long conversationId, CancellationToken ct) =>
        await db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, c => c.Name), ct) == 1;

    /// <summary>
    /// Leaves a group conversation: the others are told, the leaver's sockets leave its rooms (messages and call), and
    /// the last one out deletes it with its messages. A 1:1 conversation cannot be left (409).
    /// </summary>
    public async Task<ApiError?> LeaveAsync(long userId, long conversationId, CancellationToken ct = default)
    {
        List<long> remaining;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Locked, so two last participants leaving at once cannot both see the other stay.
            if (!await LockAsync(conversationId, ct)) return NotFound;
            var isGroup = await db.Conversations.Where(c => c.Id == conversationId && c.Participants.Any(p => p.UserId == userId))
                .Select(c => (bool?)c.IsGroup).FirstOrDefaultAsync(ct);
            if (isGroup is null) return NotFound;
            if (isGroup == false) return new ApiError(ErrorCode.Conflict, "A direct conversation cannot be left.");
            await db.ConversationParticipants.Where(p => p.ConversationId == conversationId && p.UserId == userId).ExecuteDeleteAsync(ct);
            remaining = await db.ConversationParticipants.Where(p => p.ConversationId == conversationId).Select(p => p.UserId).ToListAsync(ct);
            if (remaining.Count == 0)
                await db.Conversations.Where(c => c.Id == conversationId).ExecuteDeleteAsync(ct); // its messages go by cascade
            await tx.CommitAsync(ct);
        }
        var room = Rooms.Conversation(conversationId);
        // The leaver's own other sockets hear it too, so every client of theirs drops the conversation.
        await realtime.PublishAsync(Rooms.ConversationAudience(conversationId, [.. remaining, userId]), ServerEvents.ConversationParticipantLeft,
            new ParticipantLeftEvent(conversationId, userId));
        await realtime.LeaveRoomsAsync(userId, [room, Rooms.ConversationCall(conversationId)]);
        return null;
    }

    /// <summary>The 1:1 conversation (Created false when it already existed) or a new group.</summary>
    public async Task<(ConversationDto? Conversation, bool Created, ApiError? Error)> OpenAsync(long userId, CreateConversationRequest req, CancellationToken ct = default)
    {
        if (req.UserId is { } other)
        {
            if (other == userId) return (null, false, ApiError.Field("userId", "You cannot open a conversation with yourself."));
            if (!await db.Users.AnyAsync(u => u.Id == other, ct)) return (null, false, ApiError.NotFound("User"));
            var key = ConversationQueries.DirectKey(userId, other);
            if (await FindDirectAsync(key, ct) is { } existing) return (existing, false, null);
            try
            {
                var id = await InsertAsync(userId, [userId, other], key, null, ct);
                return (await CreatedAsync(id, ct), true, null);
            }
            catch (DbUpdateException ex) when (db.IsUniqueViolation(ex))
            {
                // A concurrent request opened the same pair first: answer with that conversation.
                db.ChangeTracker.Clear();
                return (await FindDirectAsync(key, ct), false, null);
            }
        }

        var others = req.UserIds!;
        if (others.Contains(userId)) return (null, false, ApiError.Field("userIds", "Must not include yourself."));
        if (await db.Users.CountAsync(u => others.Contains(u.Id), ct) != others.Length) return (null, false, ApiError.NotFound("User"));
        var name = string.IsNullOrWhiteSpace(req.Name) ? null : req.Name.Trim();
        var groupId = await InsertAsync(userId, [userId, .. others], null, name, ct);
        return (await CreatedAsync(groupId, ct), true, null);
    }

    /// <summary>A new conversation, told to every participant's sockets (so they can show it and join its room).</summary>
    private async Task<ConversationDto?> CreatedAsync(long id, CancellationToken ct)
    {
        var conversation = await GetAsync(id, ct);
        if (conversation is not null)
            await realtime.PublishAsync(conversation.Participants.Select(p => Rooms.User(p.Id)).ToList(), ServerEvents.ConversationCreated, conversation);
        return conversation;
    }

    /// <summary>Most recent activity first: by the newest message id, or the conversation's own id when it has none.</summary>
    public Task<List<ConversationDto>> ListAsync(long userId, PageRequest page, CancellationToken ct = default)
    {
        var mine = reads.Conversations.AsNoTracking().Where(c => c.Participants.Any(p => p.UserId == userId));
        if (page.Before is { } before) mine = mine.Where(c => (c.LastMessageId ?? c.Id) < before);
        return mine.OrderByDescending(c => c.LastMessageId ?? c.Id).Take(page.Limit)
            .Select(ConversationQueries.Projection(reads.DirectMessages)).ToListAsync(ct);
    }

    private async Task<long> InsertAsync(long creatorId, long[] participants, string? directKey, string? name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var conversation = new Conversation
        {
            Id = ids.Next(),
            IsGroup = directKey is null,
            Name = name,
            DirectKey = directKey,
            CreatorId = creatorId,
            CreatedAt = now,
            Participants = participants.Select(id => new ConversationParticipant { UserId = id, JoinedAt = now }).ToList(),
        };
        db.Conversations.Add(conversation); // one SaveChanges: the conversation and its participants commit together
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return conversation.Id;
    }

    private Task<ConversationDto?> FindDirectAsync(string key, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.DirectKey == key).Select(ConversationQueries.Projection(db.DirectMessages)).FirstOrDefaultAsync(ct);

    private Task<ConversationDto?> GetAsync(long id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(ConversationQueries.Projection(db.DirectMessages)).FirstOrDefaultAsync(ct);
}
