using Concord.Server.Features.Channels;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.Server.Realtime;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Features.Calls;

/// <summary>A call as a user may reach it: its room, where it happens, and who hears of its voice states.</summary>
public sealed record CallInfo(string Room, CallPlace Place, string[] Audience);

/// <summary>
/// Calls (WebRTC mesh signaling) for the gateway's call events. Membership and capacity live in <see cref="ICallRegistry"/>
/// (atomic, every node); a socket in a call is also in the call's room (announcements) and in its own peer room
/// (<see cref="Rooms.CallPeer"/>), to which signals are sent: the target's node delivers them only while the target is in
/// that call, so a signal costs one publish, not a look-up across the nodes. A socket's joins and leaves, its disconnect
/// included, run one at a time in arrival order (<see cref="SocketUser.CallChanges"/>).
/// </summary>
public sealed partial class CallService(IServiceScopeFactory scopes, ICallRegistry registry, CallOptions options, SocketIOServer io, ILogger<CallService> logger)
{
    public static readonly ApiError NotInCall = ApiError.Forbidden("Join a call first.");

    /// <summary>The call a payload names, after the checks for joining it: members of the voice channel's server, participants of the conversation.</summary>
    public async Task<(CallInfo? Call, ApiError? Error)> ResolveAsync(long userId, long? channelId, long? conversationId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (channelId is { } id)
        {
            var (channel, _, error) = await scope.ServiceProvider.GetRequiredService<ServerAccess>().ChannelAsync(userId, id, ServerAction.View, ct);
            if (error is not null) return (null, error);
            if (channel!.Type != ChannelType.Voice) return (null, ApiError.Field("channelId", "Calls happen in voice channels."));
            return (new CallInfo(Rooms.ChannelCall(id), new CallPlace(id, channel.ServerId, null), [Rooms.Server(channel.ServerId)]), null);
        }
        if (conversationId is { } cid)
        {
            var (participants, denied) = await scope.ServiceProvider.GetRequiredService<ConversationAccess>().ParticipantsAsync(userId, cid, ct);
            if (denied is not null) return (null, denied);
            return (new CallInfo(Rooms.ConversationCall(cid), new CallPlace(null, null, cid), Rooms.ConversationAudience(cid, participants)), null);
        }
        return (null, Ack.BadPayload);
    }

    /// <summary>Who is in the call now, without joining it.</summary>
    public async Task<(IReadOnlyList<CallParticipant>? Participants, ApiError? Error)> ParticipantsAsync(
        SocketUser user, long? channelId, long? conversationId, CancellationToken ct)
    {
        var (call, error) = await ResolveAsync(user.UserId, channelId, conversationId, ct);
        return error is not null ? (null, error) : (await registry.ParticipantsAsync(call!.Room, ct), null);
    }

    /// <summary>Joins the call (leaving the current one), unless it is full; the others in it, as the ack lists them.</summary>
    public Task<(IReadOnlyList<CallParticipant>? Participants, ApiError? Error)> JoinAsync(
        SocketIOSocket socket, SocketUser user, long? channelId, long? conversationId) =>
        user.CallChanges.RunAsync(() => JoinNowAsync(socket, user, channelId, conversationId));

    private async Task<(IReadOnlyList<CallParticipant>?, ApiError?)> JoinNowAsync(SocketIOSocket socket, SocketUser user, long? channelId, long? conversationId)
    {
        var ct = socket.Disconnected;
        var (call, error) = await ResolveAsync(user.UserId, channelId, conversationId, ct);
        if (error is not null) return (null, error);
        var room = call!.Room;
        var participants = await registry.TryJoinAsync(room, socket.Id, user.UserId, options.MaxParticipants, ct);
        if (participants is null) return (null, ApiError.Conflict($"The call is full ({options.MaxParticipants} participants)."));
        if (ct.IsCancellationRequested)
        {
            // Gone while joining: nobody was told, so nothing to announce.
            await registry.LeaveAsync(room, socket.Id);
            return (null, null);
        }
        // The room, not CallRoom, is the truth: a kick evicts the socket from the room without touching CallRoom.
        if (user.CallRoom == room && socket.Rooms.Contains(room)) return (participants, null);
        if (user.CallRoom is { } current) await LeaveNowAsync(socket, user, announce: socket.Rooms.Contains(current));

        _ = socket.To(room).Emit(ServerEvents.UserJoinedCall, new CallParticipant(user.UserId, socket.Id));
        socket.Join([room, Rooms.CallPeer(room, socket.Id)]);
        (user.CallRoom, user.CallAudience, user.CallPlace) = (room, call.Audience, call.Place);
        _ = io.To(call.Audience).Emit(ServerEvents.VoiceStateUpdate, VoiceState(call.Place, user.UserId, socket.Id, inCall: true));
        // Disconnected between the check and the join: the rooms it just joined would outlive it. The disconnect's own
        // leave, queued behind this join, announces the departure.
        if (ct.IsCancellationRequested)
        {
            socket.Leave(room);
            socket.Leave(Rooms.CallPeer(room, socket.Id));
        }
        return (participants, null);
    }

    /// <summary>leave-call: leaves the current call, if any.</summary>
    public Task LeaveAsync(SocketIOSocket socket, SocketUser user) =>
        user.CallChanges.RunAsync(async () =>
        {
            await LeaveNowAsync(socket, user, announce: user.CallRoom is { } room && socket.Rooms.Contains(room));
            return true;
        });

    /// <summary>
    /// The socket is disconnecting (its rooms are still readable): leaves its call after any join in progress. A socket
    /// still in its call room, or put in a call by a join that finished after this point, is announced as gone.
    /// </summary>
    public void Disconnecting(SocketIOSocket socket, SocketUser user)
    {
        var room = user.CallRoom;
        var inRoom = room is not null && socket.Rooms.Contains(room);
        var leaving = user.CallChanges.RunAsync(async () =>
        {
            await LeaveNowAsync(socket, user, announce: inRoom || user.CallRoom != room);
            return true;
        });
        if (!leaving.IsCompletedSuccessfully) _ = ObserveAsync(leaving, user.UserId);
    }

    private async Task ObserveAsync(Task leaving, long userId)
    {
        try { await leaving; }
        catch (Exception ex) { LogLeaveFailed(logger, ex, userId); }
    }

    /// <param name="announce">
    /// False when the socket was already pulled out of the call's room (a kick, a ban, leaving the group): the eviction told the call.
    /// </param>
    private async Task LeaveNowAsync(SocketIOSocket socket, SocketUser user, bool announce)
    {
        if (user.CallRoom is not { } room) return;
        var (audience, place) = (user.CallAudience, user.CallPlace);
        (user.CallRoom, user.CallAudience, user.CallPlace) = (null, null, null);
        socket.Leave(room);
        socket.Leave(Rooms.CallPeer(room, socket.Id));
        if (announce)
        {
            _ = socket.To(room).Emit(ServerEvents.UserLeftCall, new CallParticipant(user.UserId, socket.Id));
            if (audience is not null && place is not null)
                _ = io.To(audience).Emit(ServerEvents.VoiceStateUpdate, VoiceState(place, user.UserId, socket.Id, inCall: false));
        }
        await registry.LeaveAsync(room, socket.Id);
    }

    /// <summary>
    /// offer / answer / ice-candidate: the sender must be in a call (checked here, from this node's own state); the signal
    /// goes to the target's peer room of that call, so it reaches the target only if the target is in the same call — on
    /// whichever node — and is dropped otherwise. The ack says it was sent, not that it arrived.
    /// </summary>
    public async Task<ApiError?> RelayAsync(SocketIOSocket socket, SocketUser user, string target, OutgoingEvent signal)
    {
        // A member kicked from the server is evicted from its call rooms, so the room, not CallRoom, is the truth.
        if (user.CallRoom is not { } room || !socket.Rooms.Contains(room)) return NotInCall;
        if (target == socket.Id) return ApiError.NotFound("Call participant");
        await io.To(Rooms.CallPeer(room, target)).Emit(signal);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaving the call of a disconnected socket of user {UserId} failed; its registry entry lapses with its lease")]
    private static partial void LogLeaveFailed(ILogger logger, Exception ex, long userId);

    public static VoiceStateUpdate VoiceState(CallPlace place, long userId, string socketId, bool inCall) =>
        new(place.ChannelId, place.ServerId, place.ConversationId, userId, socketId, inCall);
}
