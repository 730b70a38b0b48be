using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Realtime;

namespace Concord.Server.Features.Servers;

/// <summary>Real-time events about servers, channels and members; published to <c>Rooms.Server(id)</c> after commit.</summary>
public static class ServerEvents
{
    /// <summary>
    /// A user now belongs to a server (created or joined): every socket of theirs, on every node, joins its room and hears
    /// <c>server-joined</c>, so all their tabs and devices follow without asking (as Discord's GUILD_CREATE).
    /// </summary>
    public static async Task ServerJoinedAsync(this IRealtimeEvents realtime, long userId, ServerDto server)
    {
        await realtime.JoinRoomsAsync(userId, [Rooms.Server(server.Id)]);
        await realtime.PublishAsync(Rooms.User(userId), ServerJoined, new ServerJoinedEvent(server));
    }

    /// <summary>To the user's own sockets (room <c>user:&lt;id&gt;</c>), which have just joined the server's room.</summary>
    public const string ServerJoined = "server-joined";
    public const string ServerUpdated = "server-updated";
    public const string ServerDeleted = "server-deleted";
    public const string ChannelCreated = "channel-created";
    public const string ChannelUpdated = "channel-updated";
    public const string ChannelDeleted = "channel-deleted";
    public const string MemberJoined = "member-joined";
    public const string MemberUpdated = "member-updated";
    public const string MemberLeft = "member-left";
}

public sealed record ServerJoinedEvent(ServerDto Server);
public sealed record ServerUpdatedEvent(ServerDto Server);
public sealed record ServerDeletedEvent(long ServerId);
public sealed record ChannelEvent(ChannelDto Channel);
public sealed record ChannelDeletedEvent(long ChannelId, long ServerId);
public sealed record MemberJoinedEvent(long ServerId, MemberDto Member);
public sealed record MemberUpdatedEvent(long ServerId, MemberDto Member);
/// <summary><see cref="Reason"/>: "left", "kicked" or "banned".</summary>
public sealed record MemberLeftEvent(long ServerId, long UserId, string Reason);
