using System.Security.Claims;
using Concord.Server.Features.Members;
using Concord.Server.Features.Servers;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Media;

/// <summary>Uploads (multipart/form-data, one part named "file"): attachments, the caller's avatar, a server's icon.</summary>
public static class MediaEndpoints
{
    public const string UploadsPath = "/api/uploads";

    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Media").RequireAuthorization().DisableAntiforgery();
        group.MapPost("/uploads", Upload).WithName("Upload");
        group.MapPut("/auth/avatar", SetAvatar).WithName("SetAvatar");
        group.MapDelete("/auth/avatar", ClearAvatar).WithName("ClearAvatar");
        group.MapPut("/servers/{serverId:long}/icon", SetIcon).WithName("SetServerIcon");
        group.MapDelete("/servers/{serverId:long}/icon", ClearIcon).WithName("ClearServerIcon");
        app.MapMediaDelivery();
        return app;
    }

    private static async Task<IResult> Upload(ClaimsPrincipal user, MediaService media, HttpRequest request, CancellationToken ct)
    {
        var (attachment, error) = await media.UploadAttachmentAsync(user.UserId(), request, ct);
        return error is not null ? error.ToResult() : Results.Created(attachment!.Url, attachment);
    }

    private static async Task<IResult> SetAvatar(ClaimsPrincipal principal, MediaService media, ConcordDbContext db, ReadCache cache,
        IRealtimeEvents realtime, HttpRequest request, CancellationToken ct)
    {
        var (url, error) = await media.StoreImageAsync(request, ct);
        if (error is not null) return error.ToResult();
        return await SetAvatarUrlAsync(principal.UserId(), url, db, cache, realtime, ct);
    }

    private static Task<IResult> ClearAvatar(ClaimsPrincipal principal, ConcordDbContext db, ReadCache cache, IRealtimeEvents realtime, CancellationToken ct) =>
        SetAvatarUrlAsync(principal.UserId(), null, db, cache, realtime, ct);

    private static async Task<IResult> SetAvatarUrlAsync(long userId, string? url, ConcordDbContext db, ReadCache cache, IRealtimeEvents realtime, CancellationToken ct)
    {
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.AvatarUrl, url), ct);
        // Not cancelled past the write: the cache and the servers must hear of a change that was made.
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId);
        if (user is null) return new ApiError(ErrorCode.Unauthorized).ToResult();
        // Cached copies of the user (the read cache) go, and the servers they are in hear of the new avatar.
        await cache.UserChangedAsync(userId);
        await realtime.ProfileChangedAsync(db, userId);
        return Results.Ok(UserDto.From(user));
    }

    private static async Task<IResult> SetIcon(long serverId, ClaimsPrincipal principal, MediaService media, ConcordDbContext db, ServerAccess access,
        IRealtimeEvents realtime, HttpRequest request, CancellationToken ct)
    {
        // Permission before reading the body: a non-member learns nothing and uploads nothing.
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.ManageServer, ct) is { } denied) return denied.ToResult();
        var (url, error) = await media.StoreImageAsync(request, ct);
        if (error is not null) return error.ToResult();
        return await SetIconUrlAsync(serverId, url, db, realtime, ct);
    }

    private static async Task<IResult> ClearIcon(long serverId, ClaimsPrincipal principal, ConcordDbContext db, ServerAccess access,
        IRealtimeEvents realtime, CancellationToken ct)
    {
        if (await access.CheckAsync(principal.UserId(), serverId, ServerAction.ManageServer, ct) is { } denied) return denied.ToResult();
        return await SetIconUrlAsync(serverId, null, db, realtime, ct);
    }

    private static async Task<IResult> SetIconUrlAsync(long serverId, string? url, ConcordDbContext db, IRealtimeEvents realtime, CancellationToken ct)
    {
        if (await db.Servers.Where(s => s.Id == serverId).ExecuteUpdateAsync(s => s.SetProperty(x => x.IconUrl, url), ct) == 0)
            return ApiError.NotFound("Server").ToResult();
        var server = await db.Servers.AsNoTracking().FirstAsync(s => s.Id == serverId);
        var dto = ServerDto.From(server);
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.ServerUpdated, new ServerUpdatedEvent(dto));
        return Results.Ok(dto);
    }
}
