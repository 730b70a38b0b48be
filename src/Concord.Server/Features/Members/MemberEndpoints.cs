using Concord.Server.Infrastructure.Caching;
using System.Security.Claims;
using Concord.Server.Features.Servers;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Members;

/// <summary>Members of a server: list (keyset pages by user id), roles, ownership transfer, kicks.</summary>
public static class MemberEndpoints
{
    internal static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/servers/{serverId:long}").WithTags("Members").RequireAuthorization();
        group.MapGet("/members", List).WithName("ListMembers");
        group.MapPatch("/members/{userId:long}", ChangeRole).Validate<ChangeRoleRequest>().WithName("ChangeMemberRole");
        group.MapDelete("/members/{userId:long}", Kick).WithName("KickMember");
        group.MapPost("/transfer", Transfer).Validate<TransferRequest>().WithName("TransferOwnership");
        app.MapBanEndpoints();
        return app;
    }

    /// <summary>Null when the page arguments are fine; otherwise the 400 naming the field.</summary>
    internal static ApiError? CheckPage(long? after, int? limit) =>
        limit is < 1 or > MemberLimits.PageMax ? ApiError.Field("limit", $"Must be between 1 and {MemberLimits.PageMax}.")
        : after is < 0 ? ApiError.Field("after", "Must be a user id.")
        : null;

    private static async Task<IResult> List(long serverId, long? after, int? limit, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access,
        IPresenceStore presence, CancellationToken ct)
    {
        if (CheckPage(after, limit) is { } bad) return bad.ToResult();
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.View, ct) is { } denied) return denied.ToResult();
        var start = after ?? 0;
        var members = await db.Members.Where(m => m.ServerId == serverId && m.UserId > start)
            .OrderBy(m => m.UserId).Take(limit ?? MemberLimits.PageDefault).AsDtos().ToListAsync(ct);
        return Results.Ok(await members.WithPresenceAsync(presence));
    }

    private static async Task<IResult> ChangeRole(long serverId, long userId, ChangeRoleRequest req, ClaimsPrincipal principal,
        ConcordDbContext db, ServerAccess access, IRealtimeEvents realtime, ReadCache cache, CancellationToken ct)
    {
        var role = req.Role!.Value;
        if (await access.RoleChangeAsync(principal.UserId(), userId, serverId, role, ct) is { } denied) return denied.ToResult();
        // Conditional on "not the owner": a transfer that landed meanwhile cannot be undone by a stale role change.
        var changed = await db.Members.Where(m => m.ServerId == serverId && m.UserId == userId && m.Role != MemberRole.Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, role));
        if (changed == 0) return ApiError.NotFound("Member").ToResult();
        await cache.MembershipChangedAsync(serverId, userId);
        var member = await db.Members.Where(m => m.ServerId == serverId && m.UserId == userId).AsDtos().FirstAsync();
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.MemberUpdated, new MemberUpdatedEvent(serverId, member));
        return Results.Ok(member);
    }

    /// <summary>Owner → another member. The two roles and ChatServer.OwnerId change in one transaction: never zero or two owners.</summary>
    private static async Task<IResult> Transfer(long serverId, TransferRequest req, ClaimsPrincipal principal, ConcordDbContext db,
        ServerAccess access, IRealtimeEvents realtime, ReadCache cache, CancellationToken ct)
    {
        var me = principal.UserId();
        var target = req.UserId!.Value;
        if (await access.CheckAsync(me, serverId, ServerAction.TransferOwnership, ct) is { } denied) return denied.ToResult();
        if (target == me) return ApiError.Field("userId", "You already own this server.").ToResult();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            if (!await db.LockServerAsync(serverId)) return ApiError.NotFound("Server").ToResult();
            // Checked again under the lock: a concurrent transfer may have moved ownership already.
            if (await db.Servers.Where(s => s.Id == serverId).Select(s => s.OwnerId).FirstAsync(ct) != me)
                return ApiError.Forbidden("Requires the owner role.").ToResult();
            var promoted = await db.Members.Where(m => m.ServerId == serverId && m.UserId == target)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, MemberRole.Owner));
            if (promoted == 0) return ApiError.NotFound("Member").ToResult();
            await db.Members.Where(m => m.ServerId == serverId && m.UserId == me)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, MemberRole.Admin));
            await db.Servers.Where(s => s.Id == serverId).ExecuteUpdateAsync(s => s.SetProperty(x => x.OwnerId, target));
            await tx.CommitAsync();
        }
        await cache.MembershipChangedAsync(serverId, target);
        await cache.MembershipChangedAsync(serverId, me);
        var server = await db.Servers.AsNoTracking().FirstAsync(s => s.Id == serverId);
        var dto = ServerDto.From(server);
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.ServerUpdated, new ServerUpdatedEvent(dto));
        foreach (var member in await db.Members.Where(m => m.ServerId == serverId && (m.UserId == me || m.UserId == target)).AsDtos().ToListAsync())
            await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.MemberUpdated, new MemberUpdatedEvent(serverId, member));
        return Results.Ok(dto);
    }

    /// <summary>Owner kicks anyone else; an admin kicks plain members only.</summary>
    private static async Task<IResult> Kick(long serverId, long userId, ClaimsPrincipal principal, ConcordDbContext db,
        ServerAccess access, IRealtimeEvents realtime, ReadCache cache, CancellationToken ct)
    {
        var (targetRole, denied) = await access.OnUserAsync(principal.UserId(), userId, serverId, ServerAction.KickMembers, ct: ct);
        if (denied is not null) return denied.ToResult();
        // Conditional on the role we judged: a promotion that landed meanwhile is not overridden.
        var removed = await db.Members.Where(m => m.ServerId == serverId && m.UserId == userId && m.Role == targetRole)
            .ExecuteDeleteAsync();
        if (removed == 0) return ApiError.Conflict("The member changed meanwhile; try again.").ToResult();
        await cache.MembershipChangedAsync(serverId, userId);
        await realtime.MemberGoneAsync(db, serverId, userId, "kicked");
        return Results.NoContent();
    }
}
