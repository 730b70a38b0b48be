using System.Reflection;

namespace Concord.Server.Realtime.Contracts;

/// <summary>
/// Every event a client sends, in one place: name, payload record, validator and success ack (a failure is always
/// <see cref="ErrorAck"/>). Handlers bind to these entries (<see cref="GatewayEvents.On{TPayload, TAck}"/>); docs/realtime.md and
/// the AsyncAPI document (<c>/asyncapi/v1.json</c>) are checked against / generated from this list.
/// </summary>
public static class ClientEvents
{
    // Rooms (RoomEvents)
    public static readonly ClientEvent<NoPayload, JoinServersAck> JoinServers = new("join-servers", null,
        "Joins server:<id> for every server the user is a member of.");
    public static readonly ClientEvent<ChannelRef, JoinChannelAck> JoinChannel = new("join-channel", new ChannelRefValidator(),
        "Members only: joins channel:<id>.");
    public static readonly ClientEvent<ChannelRef, OkAck> LeaveChannel = new("leave-channel", new ChannelRefValidator(),
        "Leaves channel:<id>.");
    public static readonly ClientEvent<ConversationRef, JoinConversationAck> JoinConversation = new("join-conversation", new ConversationRefValidator(),
        "Participants only: joins conversation:<id> (typing indicators; direct messages arrive without it).");
    public static readonly ClientEvent<ConversationRef, OkAck> LeaveConversation = new("leave-conversation", new ConversationRefValidator(),
        "Leaves conversation:<id>.");

    // Messages (SendEvents → MessageService, DirectMessageService)
    public static readonly ClientEvent<SendMessagePayload, MessageAck> SendMessage = new("send-message", new SendMessagePayloadValidator(),
        "Sends a channel message through the REST endpoint's service; broadcast as new-message.");
    public static readonly ClientEvent<SendDirectMessagePayload, DirectMessageAck> SendDirectMessage = new("send-direct-message",
        new SendDirectMessagePayloadValidator(), "Sends a direct message; broadcast as new-direct-message.");

    // Typing (TypingEvents)
    public static readonly ClientEvent<PlaceRef, OkAck> TypingStart = new("typing-start", new PlaceRefValidator(),
        "Others in the channel or conversation get typing-start; ends by itself after Realtime:TypingTimeout.");
    public static readonly ClientEvent<PlaceRef, OkAck> TypingStop = new("typing-stop", new PlaceRefValidator(),
        "Others get typing-stop.");

    // Presence (PresenceEvents)
    public static readonly ClientEvent<SetStatusPayload, StatusAck> SetStatus = new("set-status", new SetStatusValidator(),
        "This socket's activity; the ack's status is the user's resulting presence.");

    // Calls (CallEvents)
    public static readonly ClientEvent<PlaceRef, CallParticipantsAck> JoinCall = new("join-call", new PlaceRefValidator(),
        "Joins the call of a voice channel or a conversation; the others get user-joined-call.");
    public static readonly ClientEvent<NoPayload, OkAck> LeaveCall = new("leave-call", null,
        "Leaves the current call; the others get user-left-call.");
    public static readonly ClientEvent<PlaceRef, CallParticipantsAck> CallParticipants = new("call-participants", new PlaceRefValidator(),
        "Who is in that call now, without joining it (same checks as join-call).");
    public static readonly ClientEvent<SdpSignal, OkAck> Offer = new("offer", new SdpSignalValidator(),
        "Relayed only to a socket in the same call, as offer.");
    public static readonly ClientEvent<SdpSignal, OkAck> Answer = new("answer", new SdpSignalValidator(),
        "Relayed only to a socket in the same call, as answer.");
    public static readonly ClientEvent<IceCandidateSignal, OkAck> IceCandidate = new("ice-candidate", new IceCandidateSignalValidator(),
        "Relayed only to a socket in the same call, as ice-candidate.");

    /// <summary>Every entry, in declaration order.</summary>
    public static readonly IReadOnlyList<IClientEvent> All = typeof(ClientEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => f.GetValue(null)).OfType<IClientEvent>().ToArray();
}
