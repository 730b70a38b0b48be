using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Permissions;

/// <summary>
/// "May user U see or act in conversation C?" — the one rule, for REST and the gateway alike: only its participants;
/// everyone else (and a conversation that does not exist) gets 404, so a conversation's existence is not revealed.
/// One indexed query on the participants' primary key.
/// </summary>
public sealed class ConversationAccess(ConcordDbContext db)
{
    public static readonly ApiError NotFound = ApiError.NotFound("Conversation");

    /// <summary>The rule itself, on the conversation's participants (empty when it does not exist).</summary>
    public static ApiError? Decide(IReadOnlyCollection<long> participants, long userId) => participants.Contains(userId) ? null : NotFound;

    /// <summary>Null when the user is a participant; otherwise the error to answer.</summary>
    public async Task<ApiError?> CheckAsync(long userId, long conversationId, CancellationToken ct = default) =>
        await db.ConversationParticipants.AnyAsync(p => p.ConversationId == conversationId && p.UserId == userId, ct) ? null : NotFound;

    /// <summary>
    /// Everyone in the conversation (at most 10), when the user is one of them: checks the caller and addresses the
    /// conversation's events in one query.
    /// </summary>
    public async Task<(List<long> Participants, ApiError? Error)> ParticipantsAsync(long userId, long conversationId, CancellationToken ct = default)
    {
        var participants = await db.ConversationParticipants.Where(p => p.ConversationId == conversationId).Select(p => p.UserId).ToListAsync(ct);
        return Decide(participants, userId) is { } error ? ([], error) : (participants, null);
    }
}
