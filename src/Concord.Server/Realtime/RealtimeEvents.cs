using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>REST writes reach sockets through the Socket.IO server; with the Redis adapter, on every node.</summary>
internal sealed class SocketIORealtimeEvents(SocketIOServer io, TypingTracker typing) : IRealtimeEvents
{
    public ValueTask PublishAsync(string room, string eventName, object payload) =>
        new(io.To(room).Emit(eventName, payload));

    public ValueTask PublishAsync(IReadOnlyCollection<string> rooms, string eventName, object payload) =>
        new(io.To([.. rooms]).Emit(eventName, payload));

    public ValueTask LeaveRoomsAsync(long userId, IReadOnlyCollection<string> rooms) =>
        new(io.In(Rooms.User(userId)).SocketsLeave([.. rooms]));

    public ValueTask CloseRoomAsync(string room) =>
        new(io.In(room).SocketsLeave(room));

    public void EndTyping(long userId, string room) => typing.Stop(userId, room);
}
