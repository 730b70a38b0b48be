using Concord.Server.Infrastructure.Caching;
using System.Security.Claims;
using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Servers;

/// <summary>/api/servers: create, list, read, update, delete and leave servers.</summary>
public static class ServerEndpoints
{
    /// <summary>Every route of the servers area: servers, invites, channels, members and bans.</summary>
    public static IEndpointRouteBuilder MapServerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/servers").WithTags("Servers").RequireAuthorization();
        group.MapPost("/", Create).Validate<CreateServerRequest>().WithName("CreateServer");
        group.MapGet("/", List).WithName("ListMyServers");
        group.MapGet("/{serverId:long}", Get).WithName("GetServer");
        group.MapPatch("/{serverId:long}", Update).Validate<UpdateServerRequest>().WithName("UpdateServer");
        group.MapDelete("/{serverId:long}", Delete).WithName("DeleteServer");
        group.MapPost("/{serverId:long}/leave", Leave).WithName("LeaveServer");

        app.MapInviteEndpoints();
        app.MapChannelEndpoints();
        app.MapMemberEndpoints();
        return app;
    }

    private static async Task<IResult> Create(CreateServerRequest req, ClaimsPrincipal principal, ConcordDbContext db, SnowflakeGenerator ids, TimeProvider time,
        IRealtimeEvents realtime, CancellationToken ct)
    {
        var me = principal.UserId();
        var now = time.GetUtcNow();
        var server = new ChatServer
        {
            Id = ids.Next(),
            Name = req.Name!.Trim(),
            IconUrl = string.IsNullOrEmpty(req.IconUrl) ? null : req.IconUrl,
            OwnerId = me,
            InviteCode = InviteCodes.New(),
            CreatedAt = now,
        };
        db.Servers.Add(server);
        db.Members.Add(new Member { ServerId = server.Id, UserId = me, Role = MemberRole.Owner, JoinedAt = now });
        db.Channels.Add(new Channel { Id = ids.Next(), ServerId = server.Id, Name = "general", Type = ChannelType.Text, Position = 0, CreatedAt = now });
        db.Channels.Add(new Channel { Id = ids.Next(), ServerId = server.Id, Name = "General", Type = ChannelType.Voice, Position = 1, CreatedAt = now });
        await db.SaveChangesAsync(); // one transaction: the server never exists without its owner and channels
        var dto = ServerDto.From(server);
        await realtime.ServerJoinedAsync(me, dto);
        return Results.Created($"/api/servers/{server.Id}", dto);
    }

    private static async Task<IResult> List(ClaimsPrincipal principal, ConcordDbContext db, CancellationToken ct)
    {
        var me = principal.UserId();
        var servers = await (
            from m in db.Members
            where m.UserId == me
            join s in db.Servers on m.ServerId equals s.Id
            orderby s.Id
            select new ServerDto(s.Id, s.Name, s.IconUrl, s.OwnerId, s.InviteCode, s.CreatedAt)).ToListAsync(ct);
        return Results.Ok(servers);
    }

    private static async Task<IResult> Get(long serverId, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access, IPresenceStore presence, CancellationToken ct)
    {
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.View, ct) is { } denied) return denied.ToResult();
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serverId, ct);
        if (server is null) return ApiError.NotFound("Server").ToResult();
        var channels = await db.Channels.Where(c => c.ServerId == serverId).OrderBy(c => c.Position).ThenBy(c => c.Id)
            .Select(c => new ChannelDto(c.Id, c.ServerId, c.Name, c.Type, c.Position, c.CreatedAt)).ToListAsync(ct);
        var members = await db.Members.Where(m => m.ServerId == serverId).OrderBy(m => m.UserId)
            .Take(ServerLimits.MembersInDetail).AsDtos().ToListAsync(ct);
        members = await members.WithPresenceAsync(presence);
        var memberCount = members.Count < ServerLimits.MembersInDetail
            ? members.Count
            : await db.Members.CountAsync(m => m.ServerId == serverId, ct);
        return Results.Ok(new ServerDetailDto(server.Id, server.Name, server.IconUrl, server.OwnerId, server.InviteCode, server.CreatedAt,
            memberCount, channels, members));
    }

    private static async Task<IResult> Update(long serverId, UpdateServerRequest req, ClaimsPrincipal principal, ConcordDbContext db,
        ServerAccess access, IRealtimeEvents realtime, CancellationToken ct)
    {
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.ManageServer, ct) is { } denied) return denied.ToResult();
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Id == serverId, ct);
        if (server is null) return ApiError.NotFound("Server").ToResult();
        if (req.Name is not null) server.Name = req.Name.Trim();
        if (req.IconUrl is not null) server.IconUrl = req.IconUrl.Length > 0 ? req.IconUrl : null;
        await db.SaveChangesAsync();
        var dto = ServerDto.From(server);
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.ServerUpdated, new ServerUpdatedEvent(dto));
        return Results.Ok(dto);
    }

    private static async Task<IResult> Delete(long serverId, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access, IRealtimeEvents realtime,
        ReadCache cache, CancellationToken ct)
    {
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.DeleteServer, ct) is { } denied) return denied.ToResult();
        List<long> channelIds, memberIds;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            if (!await db.LockServerAsync(serverId)) return ApiError.NotFound("Server").ToResult();
            channelIds = await db.Channels.Where(c => c.ServerId == serverId).Select(c => c.Id).ToListAsync(ct);
            memberIds = await db.Members.Where(m => m.ServerId == serverId).Select(m => m.UserId).ToListAsync(ct);
            // Channels (and their messages), invites, bans and memberships go with it: the foreign keys cascade.
            await db.Servers.Where(s => s.Id == serverId).ExecuteDeleteAsync();
            await tx.CommitAsync();
        }
        await cache.ServerDeletedAsync(serverId, memberIds, channelIds);
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.ServerDeleted, new ServerDeletedEvent(serverId));
        foreach (var channelId in channelIds)
        {
            await realtime.CloseRoomAsync(Rooms.Channel(channelId));
            await realtime.CloseRoomAsync(Rooms.ChannelCall(channelId));
        }
        await realtime.CloseRoomAsync(Rooms.Server(serverId));
        return Results.NoContent();
    }

    private static async Task<IResult> Leave(long serverId, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access, IRealtimeEvents realtime,
        ReadCache cache, CancellationToken ct)
    {
        var me = principal.UserId();
        if (await access.LeaveAsync(me, serverId, ct) is { } denied) return denied.ToResult();
        // Conditional on the role: an ownership transfer that landed meanwhile keeps the new owner in.
        var left = await db.Members.Where(m => m.ServerId == serverId && m.UserId == me && m.Role != MemberRole.Owner).ExecuteDeleteAsync();
        if (left == 0) return ServerAccess.OwnerCannotLeave.ToResult();
        await cache.MembershipChangedAsync(serverId, me);
        await realtime.MemberGoneAsync(db, serverId, me, "left");
        return Results.NoContent();
    }
}
