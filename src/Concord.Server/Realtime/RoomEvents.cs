using Concord.Server.Features.Members;
using Concord.Server.Permissions;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>join-servers, join-channel, leave-channel, join-conversation, leave-conversation: members and participants only.</summary>
internal sealed class RoomEvents
{
    public void Register(SocketIONamespace nsp)
    {
        nsp.On(ClientEvents.JoinServers, JoinServers);
        nsp.On(ClientEvents.JoinChannel, JoinChannel);
        nsp.On(ClientEvents.LeaveChannel, call => Leave(call.Socket, Rooms.Channel(call.Payload.ChannelId!.Value)));
        nsp.On(ClientEvents.JoinConversation, JoinConversation);
        nsp.On(ClientEvents.LeaveConversation, call => Leave(call.Socket, Rooms.Conversation(call.Payload.ConversationId!.Value)));
    }

    private static async Task<Reply<JoinServersAck>> JoinServers(EventCall<NoPayload> call)
    {
        var serverIds = await call.Service<Memberships>().ServerIdsAsync(call.User.UserId, call.Aborted);
        call.Socket.Join(serverIds.Select(Rooms.Server));
        return new JoinServersAck(serverIds);
    }

    private static async Task<Reply<JoinChannelAck>> JoinChannel(EventCall<ChannelRef> call)
    {
        var (channel, _, error) = await call.Service<ServerAccess>().ChannelAsync(call.User.UserId, call.Payload.ChannelId!.Value, ServerAction.View, call.Aborted);
        if (error is not null) return error;
        call.Socket.Join(Rooms.Channel(channel!.Id));
        return new JoinChannelAck(channel.Id, channel.ServerId);
    }

    private static async Task<Reply<JoinConversationAck>> JoinConversation(EventCall<ConversationRef> call)
    {
        var conversationId = call.Payload.ConversationId!.Value;
        if (await call.Service<ConversationAccess>().CheckAsync(call.User.UserId, conversationId, call.Aborted) is { } error) return error;
        call.Socket.Join(Rooms.Conversation(conversationId));
        return new JoinConversationAck(conversationId);
    }

    private static Task<Reply<OkAck>> Leave(SocketIOSocket socket, string room)
    {
        socket.Leave(room);
        return Task.FromResult<Reply<OkAck>>(OkAck.Instance);
    }
}
