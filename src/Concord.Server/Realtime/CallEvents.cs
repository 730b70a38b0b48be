using Concord.Server.Features.Calls;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// join-call, leave-call, call-participants, and offer / answer / ice-candidate: thin adapters over
/// <see cref="CallService"/> (Features/Calls), which holds the rules, the per-socket ordering and the call registry.
/// </summary>
internal sealed class CallEvents(CallService calls)
{
    /// <summary>The events, once for every socket of the namespace.</summary>
    public void Register(SocketIONamespace nsp)
    {
        nsp.On(ClientEvents.JoinCall, async e =>
            Answer(await calls.JoinAsync(e.Socket, e.User, e.Payload.ChannelId, e.Payload.ConversationId)));
        nsp.On(ClientEvents.CallParticipants, async e =>
            Answer(await calls.ParticipantsAsync(e.User, e.Payload.ChannelId, e.Payload.ConversationId, e.Socket.Disconnected)));
        nsp.On(ClientEvents.LeaveCall, async e =>
        {
            await calls.LeaveAsync(e.Socket, e.User);
            return OkAck.Instance;
        });
        nsp.On(ClientEvents.Offer, e => Relay(e, e.Payload.To!,
            ServerEvents.Offer.With(new RelayedSdp(e.Socket.Id, e.User.UserId, e.Payload.Sdp))));
        nsp.On(ClientEvents.Answer, e => Relay(e, e.Payload.To!,
            ServerEvents.Answer.With(new RelayedSdp(e.Socket.Id, e.User.UserId, e.Payload.Sdp))));
        nsp.On(ClientEvents.IceCandidate, e => Relay(e, e.Payload.To!,
            ServerEvents.IceCandidate.With(new RelayedIceCandidate(e.Socket.Id, e.User.UserId, e.Payload.Candidate))));
    }

    /// <summary>Per socket: a socket that leaves while in a call leaves the call.</summary>
    public void Connected(SocketIOSocket socket, SocketUser user) => socket.OnDisconnecting(_ => calls.Disconnecting(socket, user));

    private static Reply<CallParticipantsAck> Answer((IReadOnlyList<CallParticipant>? Participants, ApiError? Error) result) =>
        result.Error is { } error ? error : new CallParticipantsAck(result.Participants ?? []);

    private async Task<Reply<OkAck>> Relay<TPayload>(EventCall<TPayload> e, string target, OutgoingEvent signal) where TPayload : class =>
        await calls.RelayAsync(e.Socket, e.User, target, signal) is { } error ? error : OkAck.Instance;
}
