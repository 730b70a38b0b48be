using Concord.Server.Features.Calls;
using Concord.Server.Features.Channels;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// WebRTC signaling (mesh): join-call / leave-call, and offer, answer, ice-candidate relayed only to a
/// socket in the same call. A call is a Socket.IO room, so participants on other nodes are seen too.
/// Who is in a call is announced as <c>voice-state-update</c> to those who may see it (the server's members for a
/// voice channel, the participants for a conversation, where it rings), and <c>call-participants</c> asks without joining.
/// </summary>
internal sealed class CallEvents(CallOptions options, SocketIOServer io)
{
    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.On(user, ClientEvents.JoinCall, JoinCall);
        socket.On(user, ClientEvents.CallParticipants, CallParticipants);
        socket.On(user, ClientEvents.LeaveCall, call => { LeaveCall(call.Socket, call.User); return Task.FromResult<Reply<OkAck>>(OkAck.Instance); });
        socket.On(user, ClientEvents.Offer, call => Relay(call, call.Payload.To!, ServerEvents.Offer.With(new RelayedSdp(call.Socket.Id, call.User.UserId, call.Payload.Sdp))));
        socket.On(user, ClientEvents.Answer, call => Relay(call, call.Payload.To!, ServerEvents.Answer.With(new RelayedSdp(call.Socket.Id, call.User.UserId, call.Payload.Sdp))));
        socket.On(user, ClientEvents.IceCandidate, call => Relay(call, call.Payload.To!,
            ServerEvents.IceCandidate.With(new RelayedIceCandidate(call.Socket.Id, call.User.UserId, call.Payload.Candidate))));
        socket.OnDisconnecting(_ => LeaveCall(socket, user));
    }

    private sealed record Call(string Room, CallPlace Place, string[] Audience);

    /// <summary>The call a payload names, after the same checks as joining it: members of the voice channel's server, participants of the conversation.</summary>
    private static async Task<(Call? Call, ApiError? Error)> ResolveAsync(EventCall<PlaceRef> e)
    {
        var (p, user) = (e.Payload, e.User);
        if (p.ChannelId is { } channelId)
        {
            var (channel, _, error) = await e.Service<ServerAccess>().ChannelAsync(user.UserId, channelId, ServerAction.View);
            if (error is not null) return (null, error);
            if (channel!.Type != ChannelType.Voice) return (null, ApiError.Field("channelId", "Calls happen in voice channels."));
            return (new Call(Rooms.ChannelCall(channelId), new CallPlace(channelId, channel.ServerId, null), [Rooms.Server(channel.ServerId)]), null);
        }
        var conversationId = p.ConversationId!.Value;
        var (participants, denied) = await e.Service<ConversationAccess>().ParticipantsAsync(user.UserId, conversationId);
        if (denied is not null) return (null, denied);
        return (new Call(Rooms.ConversationCall(conversationId), new CallPlace(null, null, conversationId),
            Rooms.ConversationAudience(conversationId, participants)), null);
    }

    private async Task<List<CallParticipant>> ParticipantsAsync(string room, string? except = null) =>
        (await io.In(room).FetchSockets())
            .Where(s => s.Id != except)
            .Select(s => new CallParticipant((s.Data as SocketUser)?.UserId ?? 0, s.Id))
            .ToList();

    private async Task<Reply<CallParticipantsAck>> CallParticipants(EventCall<PlaceRef> e)
    {
        var (call, error) = await ResolveAsync(e);
        if (error is not null) return error;
        return new CallParticipantsAck(await ParticipantsAsync(call!.Room));
    }

    private async Task<Reply<CallParticipantsAck>> JoinCall(EventCall<PlaceRef> e)
    {
        var (call, error) = await ResolveAsync(e);
        if (error is not null) return error;
        var (room, user, socket) = (call!.Room, e.User, e.Socket);

        if (user.CallRoom is not null && user.CallRoom != room) LeaveCall(socket, user);
        var participants = await ParticipantsAsync(room, except: socket.Id);
        if (participants.Count >= options.MaxParticipants)
            return ApiError.Conflict($"The call is full ({options.MaxParticipants} participants).");
        // The room, not CallRoom, is the truth: a kick evicts the socket from the room without touching CallRoom.
        var rejoin = socket.Rooms.Contains(room);
        socket.Join(room);
        (user.CallRoom, user.CallAudience, user.CallPlace) = (room, call.Audience, call.Place);
        if (!rejoin)
        {
            _ = socket.To(room).Emit(ServerEvents.UserJoinedCall, new CallParticipant(user.UserId, socket.Id));
            _ = io.To(call.Audience).Emit(ServerEvents.VoiceStateUpdate, VoiceState(call.Place, user.UserId, socket.Id, inCall: true));
        }
        return new CallParticipantsAck(participants);
    }

    private static VoiceStateUpdate VoiceState(CallPlace place, long userId, string socketId, bool inCall) =>
        new(place.ChannelId, place.ServerId, place.ConversationId, userId, socketId, inCall);

    private async Task<Reply<OkAck>> Relay<TPayload>(EventCall<TPayload> e, string target, OutgoingEvent signal) where TPayload : class
    {
        // A member kicked from the server is evicted from its call rooms, so the room, not CallRoom, is the truth.
        if (e.User.CallRoom is not { } room || !e.Socket.Rooms.Contains(room)) return ApiError.Forbidden("Join a call first.");
        var inCall = (await io.In(room).FetchSockets()).Any(s => s.Id == target);
        if (!inCall || target == e.Socket.Id) return ApiError.NotFound("Call participant");
        await io.To(target).Emit(signal);
        return OkAck.Instance;
    }

    private void LeaveCall(SocketIOSocket socket, SocketUser user)
    {
        if (user.CallRoom is not { } room) return;
        var (audience, place) = (user.CallAudience, user.CallPlace);
        (user.CallRoom, user.CallAudience, user.CallPlace) = (null, null, null);
        // Already pulled out (kick, ban, leaving the group): the eviction told the call.
        if (!socket.Rooms.Contains(room)) return;
        _ = socket.To(room).Emit(ServerEvents.UserLeftCall, new CallParticipant(user.UserId, socket.Id));
        if (audience is not null && place is not null)
            _ = io.To(audience).Emit(ServerEvents.VoiceStateUpdate, VoiceState(place, user.UserId, socket.Id, inCall: false));
        socket.Leave(room);
    }
}
