using Concord.Server.Infrastructure.Caching;
using System.Security.Claims;
using Concord.Server.Features.Servers;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Members;

/// <summary>Bans: a ban removes the membership and refuses re-joining (403). Owner, or an admin banning a plain member or outsider.</summary>
public static class BanEndpoints
{
    internal static IEndpointRouteBuilder MapBanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/servers/{serverId:long}/bans").WithTags("Members").RequireAuthorization();
        group.MapGet("/", List).WithName("ListBans");
        group.MapPut("/{userId:long}", Ban).WithName("BanUser");
        group.MapDelete("/{userId:long}", Unban).WithName("UnbanUser");
        return app;
    }

    private static async Task<IResult> List(long serverId, long? after, int? limit, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access, CancellationToken ct)
    {
        if (MemberEndpoints.CheckPage(after, limit) is { } bad) return bad.ToResult();
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.BanMembers, ct) is { } denied) return denied.ToResult();
        var start = after ?? 0;
        var bans = await (
            from b in db.Bans
            where b.ServerId == serverId && b.UserId > start
            join u in db.Users on b.UserId equals u.Id
            orderby b.UserId
            select new BanDto(new UserSummary(u.Id, u.Username, u.DisplayName, u.AvatarUrl), b.BannedById, b.Reason, b.CreatedAt))
            .Take(limit ?? MemberLimits.PageDefault).ToListAsync(ct);
        return Results.Ok(bans);
    }

    /// <summary>
    /// Idempotent: banning a banned user changes nothing and answers 204 again, also when the duplicates arrive at once
    /// (the first removes the member, the others find the ban and no member). The body {reason?} is optional.
    /// </summary>
    private static async Task<IResult> Ban(long serverId, long userId, BanRequest? req, ClaimsPrincipal principal, ConcordDbContext db,
        ServerAccess access, IValidator<BanRequest> validator, TimeProvider time, IRealtimeEvents realtime, ReadCache cache, CancellationToken ct)
    {
        if (req is not null && await validator.ValidateAsync(req) is { IsValid: false } invalid)
            return ApiError.Field("reason", invalid.Errors[0].ErrorMessage).ToResult();
        var me = principal.UserId();
        // Outsiders may be banned too (before they ever join); members only by someone who outranks them.
        var (targetRole, denied) = await access.OnUserAsync(me, userId, serverId, ServerAction.BanMembers, targetMayBeOutsider: true, ct: ct);
        if (denied is not null) return denied.ToResult();
        if (userId == me) return ApiError.Forbidden("You cannot do this to yourself.").ToResult();
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) return ApiError.NotFound("User").ToResult();

        int removed;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            // Same lock as joining: a join in flight either finishes first (and is removed here) or sees the ban.
            if (!await db.LockServerAsync(serverId)) return ApiError.NotFound("Server").ToResult();
            if (!await db.Bans.AnyAsync(b => b.ServerId == serverId && b.UserId == userId, ct))
                db.Bans.Add(new Ban { ServerId = serverId, UserId = userId, BannedById = me, Reason = req?.Reason, CreatedAt = time.GetUtcNow() });
            await db.SaveChangesAsync();
            // The role judged above must still hold; an owner (after a transfer) is never removed.
            removed = await db.Members
                .Where(m => m.ServerId == serverId && m.UserId == userId && m.Role != MemberRole.Owner && (targetRole == null || m.Role == targetRole))
                .ExecuteDeleteAsync();
            // Judged as a member, but no row with that role is left. Gone altogether (a concurrent ban, a kick, a leave):
            // banning an outsider is allowed, so the ban stands and this is the same harmless 204 as banning again.
            // Still there with another role (promoted meanwhile): the judgement is stale, and nothing is written.
            if (targetRole is not null && removed == 0 && await db.Members.AnyAsync(m => m.ServerId == serverId && m.UserId == userId, ct))
                return ApiError.Conflict("The member changed meanwhile; try again.").ToResult();
            await tx.CommitAsync();
        }
        if (removed > 0)
        {
            await cache.MembershipChangedAsync(serverId, userId);
            await realtime.MemberGoneAsync(db, serverId, userId, "banned");
        }
        return Results.NoContent();
    }

    private static async Task<IResult> Unban(long serverId, long userId, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access, CancellationToken ct)
    {
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.BanMembers, ct) is { } denied) return denied.ToResult();
        var removed = await db.Bans.Where(b => b.ServerId == serverId && b.UserId == userId).ExecuteDeleteAsync();
        return removed == 0 ? ApiError.NotFound("Ban").ToResult() : Results.NoContent();
    }
}
