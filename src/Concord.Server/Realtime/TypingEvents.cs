using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

public sealed record TypingRef(long? ChannelId, long? ConversationId);

/// <summary>typing-start / typing-stop for a channel ({channelId}) or a conversation ({conversationId}).</summary>
internal sealed class TypingEvents(IServiceScopeFactory scopes, TypingTracker typing, RoomEvents rooms)
{
    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.OnEvent(user, "typing-start", e => Handle(e, user, start: true));
        socket.OnEvent(user, "typing-stop", e => Handle(e, user, start: false));
    }

    private async Task Handle(SocketIOEvent e, SocketUser user, bool start)
    {
        var p = e.Payload<TypingRef>();
        var (room, payload) = p switch
        {
            { ChannelId: { } c } => (Rooms.Channel(c), (object)new { channelId = c, userId = user.UserId, username = user.Username }),
            { ConversationId: { } c } => (Rooms.Conversation(c), new { conversationId = c, userId = user.UserId, username = user.Username }),
            _ => (null, null!),
        };
        if (room is null) { e.Ack(Ack.Error(Ack.BadPayload)); return; }
        if (await CheckAsync(e.Socket, user, p!, room) is { } error) { e.Ack(Ack.Error(error)); return; }

        if (start)
        {
            typing.Started(user.UserId, room, payload);
            _ = e.Socket.To(room).Emit("typing-start", payload);
        }
        else
        {
            typing.Stop(user.UserId, room);
        }
        e.Ack(Ack.Ok());
    }

    /// <summary>A socket that joined the room was checked then (and is evicted on kick); otherwise ask the database.</summary>
    private async Task<ApiError?> CheckAsync(SocketIOSocket socket, SocketUser user, TypingRef p, string room)
    {
        if (socket.Rooms.Contains(room)) return null;
        if (p.ChannelId is { } channelId)
        {
            await using var scope = scopes.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<ServerAccess>().ChannelAsync(user.UserId, channelId, ServerAction.SendMessages)).Error;
        }
        return await rooms.IsParticipantAsync(user.UserId, p.ConversationId!.Value) ? null : ApiError.NotFound("Conversation");
    }
}
