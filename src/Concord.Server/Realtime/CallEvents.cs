using System.Text.Json;
using Concord.Server.Features.Calls;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

public sealed record JoinCallRequest(long? ChannelId, long? ConversationId);

/// <summary>
/// join-call, leave-call, call-participants, and offer / answer / ice-candidate: thin adapters over
/// <see cref="CallService"/> (Features/Calls), which holds the rules, the per-socket ordering and the registry.
/// </summary>
internal sealed class CallEvents(CallService calls)
{
    private const int MaxSignalBytes = 64 * 1024;

    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.OnEvent(user, "join-call", async e =>
        {
            var p = e.Payload<JoinCallRequest>();
            var (participants, error) = await calls.JoinAsync(e.Socket, user, p?.ChannelId, p?.ConversationId);
            e.Ack(error is not null ? Ack.Error(error) : new { ok = true, participants });
        });
        socket.OnEvent(user, "call-participants", async e =>
        {
            var p = e.Payload<JoinCallRequest>();
            var (participants, error) = await calls.ParticipantsAsync(user, p?.ChannelId, p?.ConversationId, e.Socket.Disconnected);
            e.Ack(error is not null ? Ack.Error(error) : new { ok = true, participants });
        });
        socket.OnEvent(user, "leave-call", async e =>
        {
            await calls.LeaveAsync(e.Socket, user);
            e.Ack(Ack.Ok());
        });
        socket.OnEvent(user, "offer", e => Relay(e, user, "offer", "sdp"));
        socket.OnEvent(user, "answer", e => Relay(e, user, "answer", "sdp"));
        socket.OnEvent(user, "ice-candidate", e => Relay(e, user, "ice-candidate", "candidate"));
        socket.OnDisconnecting(_ => calls.Disconnecting(socket, user));
    }

    private async Task Relay(SocketIOEvent e, SocketUser user, string eventName, string field)
    {
        if (e.Args.Count == 0 || e.Args[0].ValueKind != JsonValueKind.Object
            || !e.Args[0].TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.String
            || !e.Args[0].TryGetProperty(field, out var body) || body.GetRawText().Length > MaxSignalBytes)
        {
            e.Ack(Ack.Error(Ack.BadPayload));
            return;
        }
        var error = await calls.RelayAsync(e.Socket, user, eventName, to.GetString()!, field, body);
        e.Ack(error is not null ? Ack.Error(error) : Ack.Ok());
    }
}

public sealed record CallParticipant(long UserId, string SocketId);

/// <summary>Payload of <c>voice-state-update</c>: a socket joined or left a call (channelId and serverId, or conversationId).</summary>
public sealed record VoiceStateUpdate(long? ChannelId, long? ServerId, long? ConversationId, long UserId, string SocketId, bool InCall);
