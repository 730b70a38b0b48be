using System.Linq.Expressions;
using Concord.Server.Features.Users;

namespace Concord.Server.Features.Conversations;

internal static class ConversationQueries
{
    /// <summary>A conversation with participants and last message, in one query.</summary>
    public static Expression<Func<Conversation, ConversationDto>> Projection(IQueryable<DirectMessage> messages) => c => new ConversationDto(
        c.Id, c.IsGroup, c.Name,
        c.Participants.OrderBy(p => p.UserId)
            .Select(p => new UserSummary(p.User!.Id, p.User.Username, p.User.DisplayName, p.User.AvatarUrl)).ToList(),
        messages.Where(m => m.Id == c.LastMessageId)
            .Select(m => new DirectMessageDto(m.Id, m.ConversationId,
                new UserSummary(m.Author!.Id, m.Author.Username, m.Author.DisplayName, m.Author.AvatarUrl),
                m.Content, m.CreatedAt, m.EditedAt, m.Nonce))
            .FirstOrDefault(),
        c.CreatedAt);

    /// <summary>"lowId:highId": the same for both orders of the pair, unique in the table.</summary>
    public static string DirectKey(long a, long b) => a < b ? $"{a}:{b}" : $"{b}:{a}";
}
