using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Permissions;

/// <summary>
/// "May user U do A on server S?" — the one place routes and real-time events ask.
/// Non-members get 404 (a server's existence is not revealed); members without the right get 403.
/// Each check is one indexed query.
/// </summary>
public sealed class ServerAccess(ConcordDbContext db)
{
    /// <summary>The caller's role on the server, or null when not a member (or no such server).</summary>
    public Task<MemberRole?> RoleAsync(long userId, long serverId) =>
        db.Members.Where(m => m.ServerId == serverId && m.UserId == userId).Select(m => (MemberRole?)m.Role).FirstOrDefaultAsync();

    /// <summary>Null when allowed; otherwise the error to answer.</summary>
    public async Task<ApiError?> CheckAsync(long userId, long serverId, ServerAction action)
    {
        var role = await RoleAsync(userId, serverId);
        return Decide(role, action, "Server");
    }

    /// <summary>The channel with the caller's role on its server, in one query; error when missing, not a member, or not allowed.</summary>
    public async Task<(Channel? Channel, MemberRole Role, ApiError? Error)> ChannelAsync(long userId, long channelId, ServerAction action)
    {
        var row = await (
            from c in db.Channels
            join m in db.Members on c.ServerId equals m.ServerId
            where c.Id == channelId && m.UserId == userId
            select new { Channel = c, m.Role }).AsNoTracking().FirstOrDefaultAsync();
        if (row is null) return (null, default, ApiError.NotFound("Channel"));
        return Decide(row.Role, action, "Channel") is { } error ? (null, row.Role, error) : (row.Channel, row.Role, null);
    }

    private static ApiError? Decide(MemberRole? role, ServerAction action, string what) => role switch
    {
        null => ApiError.NotFound(what),
        { } r when !PermissionRules.Allows(r, action) => ApiError.Forbidden($"Requires the {PermissionRules.MinimumRole(action).ToString().ToLowerInvariant()} role."),
        _ => null,
    };
}
