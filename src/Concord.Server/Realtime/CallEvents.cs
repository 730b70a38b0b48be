using System.Text.Json;
using Concord.Server.Features.Calls;
using Concord.Server.Features.Channels;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

public sealed record JoinCallRequest(long? ChannelId, long? ConversationId);

/// <summary>
/// WebRTC signaling (mesh): join-call / leave-call, and offer, answer, ice-candidate relayed only to a
/// socket in the same call. A call is a Socket.IO room, so participants on other nodes are seen too.
/// Who is in a call is announced as <c>voice-state-update</c> to those who may see it (the server's members for a
/// voice channel, the participants for a conversation, where it rings), and <c>call-participants</c> asks without joining.
/// </summary>
internal sealed class CallEvents(IServiceScopeFactory scopes, RoomEvents rooms, CallOptions options, SocketIOServer io)
{
    private const int MaxSignalBytes = 64 * 1024;

    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.OnEvent(user, "join-call", e => JoinCall(e, user));
        socket.OnEvent(user, "call-participants", e => CallParticipants(e, user));
        socket.OnEvent(user, "leave-call", e => { LeaveCall(e.Socket, user); e.Ack(Ack.Ok()); return Task.CompletedTask; });
        socket.OnEvent(user, "offer", e => Relay(e, user, "offer", "sdp"));
        socket.OnEvent(user, "answer", e => Relay(e, user, "answer", "sdp"));
        socket.OnEvent(user, "ice-candidate", e => Relay(e, user, "ice-candidate", "candidate"));
        socket.OnDisconnecting(_ => LeaveCall(socket, user));
    }

    private sealed record Call(string Room, CallPlace Place, string[] Audience);

    /// <summary>The call a payload names, after the same checks as joining it: members of the voice channel's server, participants of the conversation.</summary>
    private async Task<(Call? Call, ApiError? Error)> ResolveAsync(SocketIOEvent e, SocketUser user)
    {
        var p = e.Payload<JoinCallRequest>();
        if (p?.ChannelId is { } channelId)
        {
            await using var scope = scopes.CreateAsyncScope();
            var (channel, _, error) = await scope.ServiceProvider.GetRequiredService<ServerAccess>().ChannelAsync(user.UserId, channelId, ServerAction.View);
            if (error is not null) return (null, error);
            if (channel!.Type != ChannelType.Voice) return (null, ApiError.Field("channelId", "Calls happen in voice channels."));
            return (new Call(Rooms.ChannelCall(channelId), new CallPlace(channelId, channel.ServerId, null), [Rooms.Server(channel.ServerId)]), null);
        }
        if (p?.ConversationId is { } conversationId)
        {
            var participants = await rooms.ParticipantsAsync(conversationId);
            if (!participants.Contains(user.UserId)) return (null, ApiError.NotFound("Conversation"));
            return (new Call(Rooms.ConversationCall(conversationId), new CallPlace(null, null, conversationId),
                Rooms.ConversationAudience(conversationId, participants)), null);
        }
        return (null, Ack.BadPayload);
    }

    private async Task<List<CallParticipant>> ParticipantsAsync(string room, string? except = null) =>
        (await io.In(room).FetchSockets())
            .Where(s => s.Id != except)
            .Select(s => new CallParticipant((s.Data as SocketUser)?.UserId ?? 0, s.Id))
            .ToList();

    private async Task CallParticipants(SocketIOEvent e, SocketUser user)
    {
        var (call, error) = await ResolveAsync(e, user);
        if (error is not null) { e.Ack(Ack.Error(error)); return; }
        e.Ack(new { ok = true, participants = await ParticipantsAsync(call!.Room) });
    }

    private async Task JoinCall(SocketIOEvent e, SocketUser user)
    {
        var (call, error) = await ResolveAsync(e, user);
        if (error is not null) { e.Ack(Ack.Error(error)); return; }
        var room = call!.Room;

        if (user.CallRoom is not null && user.CallRoom != room) LeaveCall(e.Socket, user);
        var participants = await ParticipantsAsync(room, except: e.Socket.Id);
        if (participants.Count >= options.MaxParticipants)
        {
            e.Ack(Ack.Error(ApiError.Conflict($"The call is full ({options.MaxParticipants} participants).")));
            return;
        }
        // The room, not CallRoom, is the truth: a kick evicts the socket from the room without touching CallRoom.
        var rejoin = e.Socket.Rooms.Contains(room);
        e.Socket.Join(room);
        (user.CallRoom, user.CallAudience, user.CallPlace) = (room, call.Audience, call.Place);
        if (!rejoin)
        {
            _ = e.Socket.To(room).Emit("user-joined-call", new { userId = user.UserId, socketId = e.Socket.Id });
            _ = io.To(call.Audience).Emit("voice-state-update", VoiceState(call.Place, user.UserId, e.Socket.Id, inCall: true));
        }
        e.Ack(new { ok = true, participants });
    }

    private static VoiceStateUpdate VoiceState(CallPlace place, long userId, string socketId, bool inCall) =>
        new(place.ChannelId, place.ServerId, place.ConversationId, userId, socketId, inCall);

    private async Task Relay(SocketIOEvent e, SocketUser user, string eventName, string field)
    {
        if (e.Args.Count == 0 || e.Args[0].ValueKind != JsonValueKind.Object
            || !e.Args[0].TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.String
            || !e.Args[0].TryGetProperty(field, out var body) || body.GetRawText().Length > MaxSignalBytes)
        {
            e.Ack(Ack.Error(Ack.BadPayload));
            return;
        }
        var target = to.GetString()!;
        // A member kicked from the server is evicted from its call rooms, so the room, not CallRoom, is the truth.
        if (user.CallRoom is not { } room || !e.Socket.Rooms.Contains(room)) { e.Ack(Ack.Error(ApiError.Forbidden("Join a call first."))); return; }
        var inCall = (await io.In(room).FetchSockets()).Any(s => s.Id == target);
        if (!inCall || target == e.Socket.Id) { e.Ack(Ack.Error(ApiError.NotFound("Call participant"))); return; }

        var payload = new Dictionary<string, object> { ["from"] = e.Socket.Id, ["fromUserId"] = user.UserId, [field] = body };
        await io.To(target).Emit(eventName, payload);
        e.Ack(Ack.Ok());
    }

    private void LeaveCall(SocketIOSocket socket, SocketUser user)
    {
        if (user.CallRoom is not { } room) return;
        var (audience, place) = (user.CallAudience, user.CallPlace);
        (user.CallRoom, user.CallAudience, user.CallPlace) = (null, null, null);
        // Already pulled out (kick, ban, leaving the group): the eviction told the call.
        if (!socket.Rooms.Contains(room)) return;
        _ = socket.To(room).Emit("user-left-call", new { userId = user.UserId, socketId = socket.Id });
        if (audience is not null && place is not null)
            _ = io.To(audience).Emit("voice-state-update", VoiceState(place, user.UserId, socket.Id, inCall: false));
        socket.Leave(room);
    }
}

public sealed record CallParticipant(long UserId, string SocketId);

/// <summary>Payload of <c>voice-state-update</c>: a socket joined or left a call (channelId and serverId, or conversationId).</summary>
public sealed record VoiceStateUpdate(long? ChannelId, long? ServerId, long? ConversationId, long UserId, string SocketId, bool InCall);
