using Concord.Server.Features.Calls;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>REST writes reach sockets through the Socket.IO server; with the Redis adapter, on every node.</summary>
internal sealed partial class SocketIORealtimeEvents(SocketIOServer io, TypingTracker typing, ICallRegistry calls, ILogger<SocketIORealtimeEvents> logger) : IRealtimeEvents
{
    public ValueTask PublishAsync(IReadOnlyCollection<string> rooms, OutgoingEvent e) =>
        new(io.To([.. rooms]).Emit(e));

    public ValueTask JoinRoomsAsync(long userId, IReadOnlyCollection<string> rooms) =>
        new(io.In(Rooms.User(userId)).SocketsJoin([.. rooms]));

    public async ValueTask LeaveRoomsAsync(long userId, IReadOnlyCollection<string> rooms)
    {
        var userRoom = Rooms.User(userId);
        var peerRooms = rooms.Any(Rooms.IsCall) ? await EndCallsAsync(userRoom, rooms) : [];
        await io.In(userRoom).SocketsLeave([.. rooms, .. peerRooms]);
    }

    /// <summary>
    /// Tells a call that the user's sockets are being pulled out of it, as their own leave-call would: the others' peer
    /// connections end now, not when ICE gives up, and their places in the registry are freed. Returns the sockets' peer
    /// rooms of those calls, to leave with the calls. Best effort: a node that does not answer must not fail a committed
    /// write (its sockets' registry entries are dropped by their node's next lease renewal, since they are no longer in the call's room).
    /// </summary>
    private async Task<List<string>> EndCallsAsync(string userRoom, IReadOnlyCollection<string> rooms)
    {
        var peerRooms = new List<string>();
        IReadOnlyList<RemoteSocket> sockets;
        try { sockets = await io.In(userRoom).FetchSockets(); }
        catch (TimeoutException ex)
        {
            LogCallsNotEnded(logger, ex, userRoom);
            return peerRooms;
        }
        foreach (var socket in sockets)
        {
            if (socket.Data is not SocketUser { CallRoom: { } call, CallPlace: { } place } user || !rooms.Contains(call) || !socket.Rooms.Contains(call)) continue;
            peerRooms.Add(Rooms.CallPeer(call, socket.Id));
            try { await calls.LeaveAsync(call, socket.Id); }
            catch (Exception ex) when (Infrastructure.Errors.DependencyFailures.Classify(ex) is not null) { LogCallsNotEnded(logger, ex, userRoom); }
            _ = io.To(call).Emit(ServerEvents.UserLeftCall, new CallParticipant(user.UserId, socket.Id));
            string[] audience = place.ServerId is { } serverId ? [Rooms.Server(serverId)] : [Rooms.Conversation(place.ConversationId!.Value), userRoom];
            _ = io.To(audience).Emit(ServerEvents.VoiceStateUpdate, new VoiceStateUpdate(place.ChannelId, place.ServerId, place.ConversationId, user.UserId, socket.Id, InCall: false));
        }
        return peerRooms;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the sockets of {UserRoom} to end their calls")]
    private static partial void LogCallsNotEnded(ILogger logger, Exception ex, string userRoom);

    public ValueTask DisconnectUserAsync(long userId) =>
        new(io.In(Rooms.User(userId)).DisconnectSockets(close: true));

    public ValueTask CloseRoomAsync(string room) =>
        new(io.In(room).SocketsLeave(room));

    public void EndTyping(long userId, string room) => typing.Stop(userId, room);
}
