using Concord.Server.Features.Servers;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Members;

internal static class MembershipEvents
{
    /// <summary>
    /// After the membership row is gone (committed): tell the server, then pull the user's sockets out of the server's rooms.
    /// Publishing first lets the departing user's own clients see why they lost the server.
    /// </summary>
    public static async Task MemberGoneAsync(this IRealtimeEvents realtime, ConcordDbContext db, long serverId, long userId, string reason)
    {
        await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.MemberLeft, new MemberLeftEvent(serverId, userId, reason));
        var channelIds = await db.Channels.Where(c => c.ServerId == serverId).Select(c => c.Id).ToListAsync();
        var rooms = new List<string>(channelIds.Count * 2 + 1) { Rooms.Server(serverId) };
        rooms.AddRange(channelIds.Select(Rooms.Channel));
        rooms.AddRange(channelIds.Select(Rooms.ChannelCall));
        await realtime.LeaveRoomsAsync(userId, rooms);
    }

    /// <summary>
    /// After a profile change (username, display name, avatar) is committed: <c>member-updated</c> to each server the user
    /// is in, so the others' member lists and timelines show it without a reload (Discord sends a member update per guild).
    /// </summary>
    public static async Task ProfileChangedAsync(this IRealtimeEvents realtime, ConcordDbContext db, long userId, CancellationToken ct = default)
    {
        foreach (var (serverId, member) in await db.Members.Where(m => m.UserId == userId)
                     .Select(m => new ValueTuple<long, MemberDto>(m.ServerId, new MemberDto(
                         new Users.UserSummary(m.User!.Id, m.User.Username, m.User.DisplayName, m.User.AvatarUrl), m.Role, m.JoinedAt, null)))
                     .ToListAsync(ct))
            await realtime.PublishAsync(Rooms.Server(serverId), ServerEvents.MemberUpdated, new MemberUpdatedEvent(serverId, member));
    }

    /// <summary>Members as the API shows them, projected in one query.</summary>
    public static IQueryable<MemberDto> AsDtos(this IQueryable<Member> members) =>
        members.Select(m => new MemberDto(
            new Users.UserSummary(m.User!.Id, m.User.Username, m.User.DisplayName, m.User.AvatarUrl), m.Role, m.JoinedAt));

    /// <summary>Adds each member's live presence (one batched look-up for the whole list).</summary>
    public static async Task<List<MemberDto>> WithPresenceAsync(this List<MemberDto> members, IPresenceStore presence)
    {
        var statuses = await presence.GetManyAsync(members.Select(m => m.User.Id).ToList());
        return members.Select(m => m with { Presence = statuses.GetValueOrDefault(m.User.Id).Wire() }).ToList();
    }
}
