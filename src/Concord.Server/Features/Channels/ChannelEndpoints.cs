using Concord.Server.Infrastructure.Caching;
using System.Security.Claims;
using Concord.Server.Features.Servers;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Channels;

/// <summary>Channels: created under their server, then addressed by their own id. Owner or admin.</summary>
public static class ChannelEndpoints
{
    internal static IEndpointRouteBuilder MapChannelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/servers").WithTags("Channels").RequireAuthorization()
            .MapPost("/{serverId:long}/channels", Create).Validate<CreateChannelRequest>().WithName("CreateChannel");
        var channels = app.MapGroup("/api/channels").WithTags("Channels").RequireAuthorization();
        channels.MapPatch("/{channelId:long}", Update).Validate<UpdateChannelRequest>().WithName("UpdateChannel");
        channels.MapDelete("/{channelId:long}", Delete).WithName("DeleteChannel");
        return app;
    }

    private static async Task<IResult> Create(long serverId, CreateChannelRequest req, ClaimsPrincipal principal, ConcordDbContext db,
        ServerAccess access, SnowflakeGenerator ids, TimeProvider time, IRealtimeEvents realtime, CancellationToken ct)
    {
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.ManageChannels, ct) is { } denied) return denied.ToResult();
        var type = req.Type!.Value;
        var channel = new Channel
        {
            Id = ids.Next(),
            ServerId = serverId,
            Name = ChannelLimits.Normalize(req.Name!, type),
            Type = type,
            CreatedAt = time.GetUtcNow(),
        };
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            // Locked so that the count limit and "after the last one" hold under concurrent creations.
            if (!await db.LockServerAsync(serverId)) return ApiError.NotFound("Server").ToResult();
            var stats = await db.Channels.Where(c => c.ServerId == serverId)
                .GroupBy(c => c.ServerId)
                .Select(g => new { Count = g.Count(), LastPosition = g.Max(c => c.Position) })
                .FirstOrDefaultAsync(ct);
            if (stats?.Count >= ChannelLimits.PerServerMax)
                return ApiError.Conflict($"A server has at most {ChannelLimits.PerServerMax} channels.").ToResult();
            channel.Position = req.Position ?? Math.Min((stats?.LastPosition ?? -1) + 1, ChannelLimits.PositionMax);
            db.Channels.Add(channel);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        var dto = ChannelDto.From(channel);
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.ChannelCreated, new ChannelEvent(dto));
        return Results.Created($"/api/channels/{channel.Id}", dto);
    }

    private static async Task<IResult> Update(long channelId, UpdateChannelRequest req, ClaimsPrincipal principal, ConcordDbContext db,
        ServerAccess access, IRealtimeEvents realtime, CancellationToken ct)
    {
        var (_, _, error) = await access.ChannelAsync(principal.UserId(), channelId, ServerAction.ManageChannels, ct);
        if (error is not null) return error.ToResult();
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == channelId, ct);
        if (channel is null) return ApiError.NotFound("Channel").ToResult();
        if (req.Name is not null) channel.Name = ChannelLimits.Normalize(req.Name, channel.Type);
        if (req.Position is { } position) channel.Position = position;
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiError.NotFound("Channel").ToResult(); // deleted meanwhile
        }
        var dto = ChannelDto.From(channel);
        await realtime.PublishAsync(Rooms.Server(channel.ServerId), ServerEvents.ChannelUpdated, new ChannelEvent(dto));
        return Results.Ok(dto);
    }

    private static async Task<IResult> Delete(long channelId, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access,
        IRealtimeEvents realtime, ReadCache cache, CancellationToken ct)
    {
        var (channel, _, error) = await access.ChannelAsync(principal.UserId(), channelId, ServerAction.ManageChannels, ct);
        if (error is not null) return error.ToResult();
        var serverId = channel!.ServerId;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            // Locked so that two deletions at once cannot remove the last two text channels.
            if (!await db.LockServerAsync(serverId)) return ApiError.NotFound("Channel").ToResult();
            if (channel.Type == ChannelType.Text
                && await db.Channels.CountAsync(c => c.ServerId == serverId && c.Type == ChannelType.Text, ct) <= 1)
                return ApiError.Conflict("A server keeps at least one text channel.").ToResult();
            // Its messages go with it: the foreign key cascades.
            if (await db.Channels.Where(c => c.Id == channelId).ExecuteDeleteAsync() == 0)
                return ApiError.NotFound("Channel").ToResult();
            await tx.CommitAsync();
        }
        await cache.ChannelChangedAsync(channelId);
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.ChannelDeleted, new ChannelDeletedEvent(channelId, serverId));
        await realtime.CloseRoomAsync(Rooms.Channel(channelId));
        await realtime.CloseRoomAsync(Rooms.ChannelCall(channelId));
        return Results.NoContent();
    }
}
