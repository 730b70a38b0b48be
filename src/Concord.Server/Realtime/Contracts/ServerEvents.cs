using System.Reflection;
using Concord.Server.Features.Conversations;
using Concord.Server.Features.Messages;

namespace Concord.Server.Realtime.Contracts;

/// <summary>
/// Every event the server sends, in one place: name, payload record and audience. Emit only through these entries
/// (<see cref="IRealtimeEvents"/>, <see cref="TypedEmits"/>, the outbox); every one is published after the database commit.
/// </summary>
public static class ServerEvents
{
    // Channel messages (MessageService, ThumbnailJob, MentionJob); message events go through the outbox.
    public static readonly ServerEvent<MessageDto> NewMessage = new("new-message", "channel:<id>", "A message was sent in the channel.");
    public static readonly ServerEvent<MessageDto> MessageUpdated = new("message-updated", "channel:<id>", "A message was edited.");
    public static readonly ServerEvent<MessageDeletedEvent> MessageDeleted = new("message-deleted", "channel:<id>", "A message was deleted.");
    public static readonly ServerEvent<AttachmentProcessedEvent> AttachmentProcessed = new("attachment-processed", "channel:<id>",
        "A worker made an image attachment's previews and placeholder; swap them in.");
    public static readonly ServerEvent<MentionEvent> Mention = new("mention", "user:<id> of the mentioned user",
        "The user was mentioned by a member; at least once (a repeat has the same messageId).");

    // Conversations (ConversationService, DirectMessageService, AccountEndpoints)
    public static readonly ServerEvent<ConversationDto> ConversationCreated = new("conversation-created", "user:<id> of each participant",
        "A new 1:1 or group conversation.");
    public static readonly ServerEvent<DirectMessageDto> NewDirectMessage = new("new-direct-message",
        "conversation:<id> + user:<id> of each participant", "A direct message was sent.");
    public static readonly ServerEvent<DirectMessageDto> DirectMessageUpdated = new("direct-message-updated",
        "conversation:<id> + user:<id> of each participant", "A direct message was edited.");
    public static readonly ServerEvent<DirectMessageDeletedEvent> DirectMessageDeleted = new("direct-message-deleted",
        "conversation:<id> + user:<id> of each participant", "A direct message was deleted.");
    public static readonly ServerEvent<ParticipantAddedEvent> ConversationParticipantAdded = new("conversation-participant-added",
        "conversation:<id> + user:<id> of each participant, the newcomer included", "A user was added to a group.");
    public static readonly ServerEvent<ParticipantLeftEvent> ConversationParticipantLeft = new("conversation-participant-left",
        "conversation:<id> + user:<id> of each participant, the leaver included", "A participant left; their sockets leave the conversation's rooms.");

    // Typing (TypingEvents, TypingTracker)
    public static readonly ServerEvent<TypingEvent> TypingStart = new("typing-start", "channel:<id> or conversation:<id>", "A user started typing.");
    public static readonly ServerEvent<TypingEvent> TypingStop = new("typing-stop", "channel:<id> or conversation:<id>",
        "A user stopped typing (typing-stop, timeout, or their message was sent).");

    // Servers, channels, members (ServerEndpoints, InviteEndpoints, ChannelEndpoints, MemberEndpoints, BanEndpoints, MediaEndpoints)
    public static readonly ServerEvent<ServerJoinedEvent> ServerJoined = new("server-joined", "user:<id> of the user",
        "The user created or joined the server; every socket of theirs is now in server:<id>.");
    public static readonly ServerEvent<ServerUpdatedEvent> ServerUpdated = new("server-updated", "server:<id>", "The server changed.");
    public static readonly ServerEvent<ServerDeletedEvent> ServerDeleted = new("server-deleted", "server:<id>", "The server was deleted; its rooms empty.");
    public static readonly ServerEvent<ChannelEvent> ChannelCreated = new("channel-created", "server:<id>", "A channel was created.");
    public static readonly ServerEvent<ChannelEvent> ChannelUpdated = new("channel-updated", "server:<id>", "A channel changed.");
    public static readonly ServerEvent<ChannelDeletedEvent> ChannelDeleted = new("channel-deleted", "server:<id>", "A channel was deleted.");
    public static readonly ServerEvent<MemberJoinedEvent> MemberJoined = new("member-joined", "server:<id>", "A member joined, with their live presence.");
    public static readonly ServerEvent<MemberUpdatedEvent> MemberUpdated = new("member-updated", "server:<id>", "A member's role changed, or their username, display name or avatar (sent to each server they are in).");
    public static readonly ServerEvent<MemberLeftEvent> MemberLeft = new("member-left", "server:<id>",
        "A member left, was kicked or banned; their sockets leave the server's rooms.");

    // Presence (PresenceEvents)
    public static readonly ServerEvent<PresenceUpdate> PresenceUpdate = new("presence-update", "server:<id> of every server the user is in",
        "The user's aggregate status changed.");

    // Calls (CallEvents, SocketIORealtimeEvents)
    public static readonly ServerEvent<CallParticipant> UserJoinedCall = new("user-joined-call", "the call", "A socket joined the call.");
    public static readonly ServerEvent<CallParticipant> UserLeftCall = new("user-left-call", "the call",
        "A socket left the call (also when a kick, a ban or leaving a group pulls it out).");
    public static readonly ServerEvent<VoiceStateUpdate> VoiceStateUpdate = new("voice-state-update",
        "server:<id> for a voice channel's call; conversation:<id> + user:<id> of each participant for a conversation's",
        "A socket joined or left a call; for a conversation, how the others' clients ring.");
    public static readonly ServerEvent<RelayedSdp> Offer = new("offer", "the target socket", "A WebRTC offer from a socket in the same call.");
    public static readonly ServerEvent<RelayedSdp> Answer = new("answer", "the target socket", "A WebRTC answer from a socket in the same call.");
    public static readonly ServerEvent<RelayedIceCandidate> IceCandidate = new("ice-candidate", "the target socket",
        "An ICE candidate from a socket in the same call.");

    /// <summary>Every entry, in declaration order.</summary>
    public static readonly IReadOnlyList<IServerEvent> All = typeof(ServerEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => f.GetValue(null)).OfType<IServerEvent>().ToArray();

    private static readonly Dictionary<string, IServerEvent> ByName = All.ToDictionary(e => e.Name);

    /// <summary>The entry of a name read back from storage (the outbox), or null.</summary>
    public static IServerEvent? Find(string name) => ByName.GetValueOrDefault(name);
}
