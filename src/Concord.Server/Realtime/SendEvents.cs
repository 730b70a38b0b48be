using Concord.Server.Features.Conversations;
using Concord.Server.Features.Messages;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// send-message and send-direct-message: the same services as the REST endpoints (validation, permissions,
/// rate limit, nonce dedup, publish after commit, the author's typing state ended); the ack carries the saved message.
/// </summary>
internal sealed class SendEvents
{
    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.On(user, ClientEvents.SendMessage, SendMessage);
        socket.On(user, ClientEvents.SendDirectMessage, SendDirectMessage);
    }

    private static async Task<Reply<MessageAck>> SendMessage(EventCall<SendMessagePayload> call)
    {
        var p = call.Payload;
        var result = await call.Service<MessageService>().SendAsync(call.User.UserId, p.ChannelId!.Value, p.Request);
        return result.Error is { } error ? error : new MessageAck(result.Message!);
    }

    private static async Task<Reply<DirectMessageAck>> SendDirectMessage(EventCall<SendDirectMessagePayload> call)
    {
        var p = call.Payload;
        var result = await call.Service<DirectMessageService>().SendAsync(call.User.UserId, p.ConversationId!.Value, p.Content, p.Nonce);
        return result.Error is { } error ? error : new DirectMessageAck(result.Message!);
    }
}
