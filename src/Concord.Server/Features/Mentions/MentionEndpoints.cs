using System.Security.Claims;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Mentions;

/// <summary>Unread mentions of one channel.</summary>
public sealed record UnreadMentionsDto(long ChannelId, long ServerId, int Count, long LastMessageId);

/// <summary>The caller's unread-mention counts, and marking a channel's mentions read.</summary>
public static class MentionEndpoints
{
    public static IEndpointRouteBuilder MapMentionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Mentions").RequireAuthorization();
        group.MapGet("/mentions", List).WithName("ListUnreadMentions");
        group.MapDelete("/channels/{channelId:long}/mentions", MarkRead).WithName("MarkMentionsRead");
        return app;
    }

    private static async Task<IResult> List(ClaimsPrincipal principal, ConcordDbContext db, CancellationToken ct)
    {
        var userId = principal.UserId();
        var counts = await db.Mentions.Where(m => m.UserId == userId)
            .GroupBy(m => new { m.ChannelId, m.ServerId })
            .Select(g => new UnreadMentionsDto(g.Key.ChannelId, g.Key.ServerId, g.Count(), g.Max(m => m.MessageId)))
            .ToListAsync(ct);
        return Results.Ok(counts.OrderByDescending(c => c.LastMessageId));
    }

    /// <summary>Only the caller's own rows are touched, so no permission check is needed (and none leaks).</summary>
    private static async Task<IResult> MarkRead(long channelId, ClaimsPrincipal principal, ConcordDbContext db, CancellationToken ct)
    {
        var userId = principal.UserId();
        await db.Mentions.Where(m => m.UserId == userId && m.ChannelId == channelId).ExecuteDeleteAsync(ct);
        return Results.NoContent();
    }
}
