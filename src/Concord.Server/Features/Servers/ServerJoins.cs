using Concord.Server.Realtime;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Servers;

public static class ServerJoins
{
    /// <summary>
    /// A user now belongs to a server (created or joined): every socket of theirs, on every node, joins its room and hears
    /// <c>server-joined</c>, so all their tabs and devices follow without asking (as Discord's GUILD_CREATE).
    /// </summary>
    public static async Task ServerJoinedAsync(this IRealtimeEvents realtime, long userId, ServerDto server)
    {
        await realtime.JoinRoomsAsync(userId, [Rooms.Server(server.Id)]);
        await realtime.PublishAsync(Rooms.User(userId), ServerEvents.ServerJoined, new ServerJoinedEvent(server));
    }

}
