using Concord.Server.Features.Conversations;
using Concord.Server.Features.Messages;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

public sealed record SendMessagePayload(long ChannelId, string? Content, string? Nonce);
public sealed record SendDirectMessagePayload(long ConversationId, string? Content, string? Nonce);

/// <summary>
/// send-message and send-direct-message: the same services as the REST endpoints (validation, permissions,
/// rate limit, nonce dedup, publish after commit, the author's typing state ended); the ack carries the saved message.
/// </summary>
internal sealed class SendEvents(IServiceScopeFactory scopes)
{
    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.OnEvent(user, "send-message", e => SendMessage(e, user));
        socket.OnEvent(user, "send-direct-message", e => SendDirectMessage(e, user));
    }

    private async Task SendMessage(SocketIOEvent e, SocketUser user)
    {
        if (!e.TryPayload<SendMessagePayload>(out var p, out var bad)) { e.Ack(Ack.Error(bad)); return; }
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<MessageService>().SendAsync(user.UserId, p.ChannelId, p.Content, p.Nonce);
        if (result.Error is not null) { e.Ack(Ack.Error(result.Error)); return; }
        e.Ack(new { ok = true, message = result.Message });
    }

    private async Task SendDirectMessage(SocketIOEvent e, SocketUser user)
    {
        if (!e.TryPayload<SendDirectMessagePayload>(out var p, out var bad)) { e.Ack(Ack.Error(bad)); return; }
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<DirectMessageService>().SendAsync(user.UserId, p.ConversationId, p.Content, p.Nonce);
        if (result.Error is not null) { e.Ack(Ack.Error(result.Error)); return; }
        e.Ack(new { ok = true, message = result.Message });
    }
}
