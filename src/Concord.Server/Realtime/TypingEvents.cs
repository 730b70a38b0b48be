using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>typing-start / typing-stop for a channel ({channelId}) or a conversation ({conversationId}).</summary>
internal sealed class TypingEvents(TypingTracker typing)
{
    public void Register(SocketIONamespace nsp)
    {
        nsp.On(ClientEvents.TypingStart, call => Handle(call, start: true));
        nsp.On(ClientEvents.TypingStop, call => Handle(call, start: false));
    }

    private async Task<Reply<OkAck>> Handle(EventCall<PlaceRef> call, bool start)
    {
        var (p, user) = (call.Payload, call.User);
        var room = p.ChannelId is { } channelId ? Rooms.Channel(channelId) : Rooms.Conversation(p.ConversationId!.Value);
        if (await CheckAsync(call, room) is { } error) return error;

        if (start)
        {
            var payload = new TypingEvent(user.UserId, user.Username, p.ChannelId, p.ConversationId);
            typing.Started(user.UserId, room, payload);
            _ = call.Socket.To(room).Emit(ServerEvents.TypingStart, payload);
        }
        else
        {
            typing.Stop(user.UserId, room);
        }
        return OkAck.Instance;
    }

    /// <summary>A socket that joined the room was checked then (and is evicted on kick); otherwise ask the permission rules.</summary>
    private static async Task<ApiError?> CheckAsync(EventCall<PlaceRef> call, string room)
    {
        if (call.Socket.Rooms.Contains(room)) return null;
        if (call.Payload.ChannelId is { } channelId)
            return (await call.Service<ServerAccess>().ChannelAsync(call.User.UserId, channelId, ServerAction.SendMessages, call.Aborted)).Error;
        return await call.Service<ConversationAccess>().CheckAsync(call.User.UserId, call.Payload.ConversationId!.Value, call.Aborted);
    }
}
