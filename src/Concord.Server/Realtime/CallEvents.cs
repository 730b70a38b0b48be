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
/// </summary>
internal sealed class CallEvents(IServiceScopeFactory scopes, RoomEvents rooms, CallOptions options, SocketIOServer io)
{
    private const int MaxSignalBytes = 64 * 1024;

    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.OnEvent(user, "join-call", e => JoinCall(e, user));
        socket.OnEvent(user, "leave-call", e => { LeaveCall(e.Socket, user); e.Ack(Ack.Ok()); return Task.CompletedTask; });
        socket.OnEvent(user, "offer", e => Relay(e, user, "offer", "sdp"));
        socket.OnEvent(user, "answer", e => Relay(e, user, "answer", "sdp"));
        socket.OnEvent(user, "ice-candidate", e => Relay(e, user, "ice-candidate", "candidate"));
        socket.OnDisconnecting(_ => LeaveCall(socket, user));
    }

    private async Task JoinCall(SocketIOEvent e, SocketUser user)
    {
        var p = e.Payload<JoinCallRequest>();
        string room;
        if (p?.ChannelId is { } channelId)
        {
            await using var scope = scopes.CreateAsyncScope();
            var (channel, _, error) = await scope.ServiceProvider.GetRequiredService<ServerAccess>().ChannelAsync(user.UserId, channelId, ServerAction.View);
            if (error is not null) { e.Ack(Ack.Error(error)); return; }
            if (channel!.Type != ChannelType.Voice) { e.Ack(Ack.Error(ApiError.Field("channelId", "Calls happen in voice channels."))); return; }
            room = Rooms.ChannelCall(channelId);
        }
        else if (p?.ConversationId is { } conversationId)
        {
            if (!await rooms.IsParticipantAsync(user.UserId, conversationId)) { e.Ack(Ack.Error(ApiError.NotFound("Conversation"))); return; }
            room = Rooms.ConversationCall(conversationId);
        }
        else
        {
            e.Ack(Ack.Error(Ack.BadPayload));
            return;
        }

        if (user.CallRoom is not null && user.CallRoom != room) LeaveCall(e.Socket, user);
        var participants = (await io.In(room).FetchSockets())
            .Where(s => s.Id != e.Socket.Id)
            .Select(s => new { userId = (s.Data as SocketUser)?.UserId ?? 0, socketId = s.Id })
            .ToList();
        if (participants.Count >= options.MaxParticipants)
        {
            e.Ack(Ack.Error(ApiError.Conflict($"The call is full ({options.MaxParticipants} participants).")));
            return;
        }
        e.Socket.Join(room);
        user.CallRoom = room;
        _ = e.Socket.To(room).Emit("user-joined-call", new { userId = user.UserId, socketId = e.Socket.Id });
        e.Ack(new { ok = true, participants });
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
        var target = to.GetString()!;
        // A member kicked from the server is evicted from its call rooms, so the room, not CallRoom, is the truth.
        if (user.CallRoom is not { } room || !e.Socket.Rooms.Contains(room)) { e.Ack(Ack.Error(ApiError.Forbidden("Join a call first."))); return; }
        var inCall = (await io.In(room).FetchSockets()).Any(s => s.Id == target);
        if (!inCall || target == e.Socket.Id) { e.Ack(Ack.Error(ApiError.NotFound("Call participant"))); return; }

        var payload = new Dictionary<string, object> { ["from"] = e.Socket.Id, ["fromUserId"] = user.UserId, [field] = body };
        await io.To(target).Emit(eventName, payload);
        e.Ack(Ack.Ok());
    }

    private static void LeaveCall(SocketIOSocket socket, SocketUser user)
    {
        if (user.CallRoom is not { } room) return;
        user.CallRoom = null;
        _ = socket.To(room).Emit("user-left-call", new { userId = user.UserId, socketId = socket.Id });
        socket.Leave(room);
    }
}
