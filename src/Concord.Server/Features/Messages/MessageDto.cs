using System.Linq.Expressions;
using Concord.Server.Features.Media;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.RateLimiting;

namespace Concord.Server.Features.Messages;

/// <summary>A channel message on the wire (REST answers and the <c>new-message</c> event); attachment URLs are signed (<see cref="MediaUrls"/>).</summary>
public sealed record MessageDto(long Id, long ChannelId, long ServerId, UserSummary Author, string Content,
    DateTimeOffset CreatedAt, DateTimeOffset? EditedAt, string? Nonce, IReadOnlyList<AttachmentDto> Attachments)
{
    /// <summary>The projection every read uses: the author summary comes from the same query (one join, no N+1).</summary>
    public static Expression<Func<Message, MessageDto>> Projection(long serverId) => m => new MessageDto(
        m.Id, m.ChannelId, serverId,
        new UserSummary(m.Author!.Id, m.Author.Username, m.Author.DisplayName, m.Author.AvatarUrl),
        m.Content, m.CreatedAt, m.EditedAt, m.Nonce,
        m.Attachments.OrderBy(a => a.Id).Select(a => new AttachmentDto(a.Id, a.Filename, a.ContentType, (int)a.Size, a.Width, a.Height, null, a.Placeholder, null)
            { Sha256 = a.Sha256, PreviewsJson = a.Previews }).ToList());

    /// <summary>The same message with its attachments' URLs signed for now.</summary>
    public MessageDto Signed(MediaUrls urls) => Attachments.Count == 0 ? this : this with { Attachments = urls.Sign(Attachments) };
}

/// <summary>
/// What a send produced, for REST and the real-time gateway alike: the message (<see cref="Created"/> false when a
/// nonce matched an earlier one), or the error; plus the rate-limit state to report, when limits are on.
/// </summary>
public sealed record SendResult<T>(T? Message, bool Created, ApiError? Error, RateLimitDecision? RateLimit) where T : class
{
    public static SendResult<T> Fail(ApiError error, RateLimitDecision? rateLimit = null) => new(null, false, error, rateLimit);

    /// <summary>201 for a new message, 200 for a nonce replay, problem+json otherwise; rate-limit headers either way.</summary>
    public IResult ToHttp(HttpContext http, Func<T, string> location)
    {
        RateLimit?.WriteHeaders(http.Response);
        if (Error is not null) return Error.ToResult();
        return Created ? Results.Created(location(Message!), Message) : Results.Ok(Message);
    }
}
