using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Permissions;

/// <summary>
/// "May user U do A on server S?" — the one place routes and real-time events ask.
/// Non-members get 404 (a server's existence is not revealed); members without the right get 403.
/// Each check is one cache read (<see cref="ReadCache"/>), else one indexed query. Every method takes the caller's
/// cancellation token (a request's RequestAborted, a socket's Disconnected).
/// </summary>
public sealed class ServerAccess(ConcordDbContext db, ReadCache cache)
{
    /// <summary>The caller's role on the server, or null when not a member (or no such server).</summary>
    public async Task<MemberRole?> RoleAsync(long userId, long serverId, CancellationToken ct = default) =>
        await cache.RoleAsync(serverId, userId, ct =>
            db.Members.Where(m => m.ServerId == serverId && m.UserId == userId).Select(m => (MemberRole?)m.Role).FirstOrDefaultAsync(ct), ct);

    /// <summary>Null when allowed; otherwise the error to answer.</summary>
    public async Task<ApiError?> CheckAsync(long userId, long serverId, ServerAction action, CancellationToken ct = default)
    {
        var role = await RoleAsync(userId, serverId, ct);
        return Decide(role, action, "Server");
    }

    /// <summary>The channel with the caller's role on its server (two cache reads); error when missing, not a member, or not allowed.</summary>
    public async Task<(ChannelInfo? Channel, MemberRole Role, ApiError? Error)> ChannelAsync(long userId, long channelId, ServerAction action, CancellationToken ct = default)
    {
        if (!cache.Enabled) return await UncachedChannelAsync(userId, channelId, action, ct);
        var channel = await cache.ChannelAsync(channelId, ct =>
            db.Channels.Where(c => c.Id == channelId).Select(c => new ChannelInfo(c.Id, c.ServerId, c.Type)).FirstOrDefaultAsync(ct), ct);
        var role = channel is null ? null : await RoleAsync(userId, channel.ServerId, ct);
        if (role is null) return (null, default, ApiError.NotFound("Channel"));
        return Decide(role, action, "Channel") is { } error ? (null, role.Value, error) : (channel, role.Value, null);
    }

    // Without the cache, one query instead of two.
    private async Task<(ChannelInfo? Channel, MemberRole Role, ApiError? Error)> UncachedChannelAsync(long userId, long channelId, ServerAction action, CancellationToken ct)
    {
        var row = await (
            from c in db.Channels
            join m in db.Members on c.ServerId equals m.ServerId
            where c.Id == channelId && m.UserId == userId
            select new { Channel = new ChannelInfo(c.Id, c.ServerId, c.Type), m.Role }).AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null) return (null, default, ApiError.NotFound("Channel"));
        return Decide(row.Role, action, "Channel") is { } error ? (null, row.Role, error) : (row.Channel, row.Role, null);
    }

    /// <summary>
    /// The actor acting on another user (kick, ban, role change): both roles in one indexed query.
    /// Returns the target's role (null when the target is not a member) or the error to answer.
    /// A target who is not a member is an error (404) unless <paramref name="targetMayBeOutsider"/> (a ban can come first).
    /// </summary>
    public async Task<(MemberRole? TargetRole, ApiError? Error)> OnUserAsync(
        long actorId, long targetId, long serverId, ServerAction action, bool targetMayBeOutsider = false, CancellationToken ct = default)
    {
        var (actor, target) = await RolesAsync(actorId, targetId, serverId, ct);
        if (Decide(actor, action, "Server") is { } error) return (null, error);
        if (target is null)
            return targetMayBeOutsider ? (null, null) : (null, ApiError.NotFound("Member"));
        if (!PermissionRules.AllowsOn(actor!.Value, target.Value, action))
            return (target, ApiError.Forbidden(actorId == targetId
                ? "You cannot do this to yourself."
                : "You can only act on members ranked below you."));
        return (target, null);
    }

    /// <summary>
    /// May the actor give the target <paramref name="newRole"/>? Owner only; the owner's own role and the owner role itself
    /// change only by a transfer (409), so a server always has exactly one owner.
    /// </summary>
    public async Task<ApiError?> RoleChangeAsync(long actorId, long targetId, long serverId, MemberRole newRole, CancellationToken ct = default)
    {
        var (actor, target) = await RolesAsync(actorId, targetId, serverId, ct);
        if (Decide(actor, ServerAction.ManageRoles, "Server") is { } error) return error;
        if (target is null) return ApiError.NotFound("Member");
        if (PermissionRules.AllowsRoleChange(actor!.Value, target.Value, newRole)) return null;
        return ApiError.Conflict("A server has exactly one owner: use POST /api/servers/{serverId}/transfer to hand ownership over.");
    }

    /// <summary>
    /// May the user join the server? Banned → 403; a missing server → 404. <c>AlreadyMember</c> makes a second join harmless.
    /// One query (server, ban and membership by primary key).
    /// </summary>
    public async Task<(bool AlreadyMember, ApiError? Error)> JoinAsync(long userId, long serverId, CancellationToken ct = default)
    {
        var row = await db.Servers.Where(s => s.Id == serverId)
            .Select(s => new
            {
                Banned = db.Bans.Any(b => b.ServerId == s.Id && b.UserId == userId),
                Member = db.Members.Any(m => m.ServerId == s.Id && m.UserId == userId),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null) return (false, ApiError.NotFound("Server"));
        if (row.Banned) return (false, ApiError.Forbidden("You are banned from this server."));
        return (row.Member, null);
    }

    /// <summary>Everyone but the owner may leave (409: transfer ownership or delete the server first); non-members get 404.</summary>
    public async Task<ApiError?> LeaveAsync(long userId, long serverId, CancellationToken ct = default) => await RoleAsync(userId, serverId, ct) switch
    {
        null => ApiError.NotFound("Server"),
        { } role when !PermissionRules.MayLeave(role) => OwnerCannotLeave,
        _ => null,
    };

    public static readonly ApiError OwnerCannotLeave = ApiError.Conflict("The owner cannot leave: transfer ownership or delete the server.");

    // Both from the database, not the cache: these decide writes against other members (kick, ban, role change).
    private async Task<(MemberRole? Actor, MemberRole? Target)> RolesAsync(long actorId, long targetId, long serverId, CancellationToken ct)
    {
        var roles = await db.Members
            .Where(m => m.ServerId == serverId && (m.UserId == actorId || m.UserId == targetId))
            .Select(m => new { m.UserId, m.Role })
            .ToListAsync(ct);
        return (roles.Where(r => r.UserId == actorId).Select(r => (MemberRole?)r.Role).FirstOrDefault(),
                roles.Where(r => r.UserId == targetId).Select(r => (MemberRole?)r.Role).FirstOrDefault());
    }

    private static ApiError? Decide(MemberRole? role, ServerAction action, string what) => role switch
    {
        null => ApiError.NotFound(what),
        { } r when !PermissionRules.Allows(r, action) => ApiError.Forbidden($"Requires the {PermissionRules.MinimumRole(action).ToString().ToLowerInvariant()} role."),
        _ => null,
    };
}
