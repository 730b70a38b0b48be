using System.Text.Json;
using System.Text.Json.Serialization;
using Concord.Server.Features.Channels;
using Concord.Server.Features.Media;
using Concord.Server.Features.Members;
using Concord.Server.Features.Servers;
using Concord.Server.Features.Users;

namespace Concord.Server.Realtime.Contracts;

// Payloads of the server events (ServerEvents.cs) that are not a feature's own DTO (MessageDto, ConversationDto …).

public sealed record MessageDeletedEvent(long Id, long ChannelId, long ServerId);
public sealed record AttachmentProcessedEvent(long MessageId, long ChannelId, long ServerId, AttachmentDto Attachment);
/// <summary><see cref="UnreadMentions"/>: the channel's count of the user's unread mentions.</summary>
public sealed record MentionEvent(long MessageId, long ChannelId, long ServerId, long AuthorId, int UnreadMentions);
public sealed record DirectMessageDeletedEvent(long Id, long ConversationId);
public sealed record ParticipantAddedEvent(long ConversationId, UserSummary User);
public sealed record ParticipantLeftEvent(long ConversationId, long UserId);

/// <summary>A typing indicator: <see cref="ChannelId"/> or <see cref="ConversationId"/> (the other is left out).</summary>
public sealed record TypingEvent(
    long UserId,
    string Username,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyOrder(-1)] long? ChannelId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyOrder(-1)] long? ConversationId = null);

public sealed record ServerJoinedEvent(ServerDto Server);
public sealed record ServerUpdatedEvent(ServerDto Server);
public sealed record ServerDeletedEvent(long ServerId);
public sealed record ChannelEvent(ChannelDto Channel);
public sealed record ChannelDeletedEvent(long ChannelId, long ServerId);
public sealed record MemberJoinedEvent(long ServerId, MemberDto Member);
public sealed record MemberUpdatedEvent(long ServerId, MemberDto Member);
/// <summary><see cref="Reason"/>: "left", "kicked" or "banned".</summary>
public sealed record MemberLeftEvent(long ServerId, long UserId, string Reason);

/// <summary><see cref="Status"/>: "online", "idle" or "offline".</summary>
public sealed record PresenceUpdate(long UserId, string Status);

/// <summary>A socket in a call (<c>user-joined-call</c>, <c>user-left-call</c>, and the participants in acks).</summary>
public sealed record CallParticipant(long UserId, string SocketId);

/// <summary>A socket joined or left a call (channelId and serverId, or conversationId; the others null).</summary>
public sealed record VoiceStateUpdate(long? ChannelId, long? ServerId, long? ConversationId, long UserId, string SocketId, bool InCall);

/// <summary>A relayed <c>offer</c> or <c>answer</c>: from which socket (and user), and its session description.</summary>
public sealed record RelayedSdp(string From, long FromUserId, JsonElement Sdp);

/// <summary>A relayed <c>ice-candidate</c>.</summary>
public sealed record RelayedIceCandidate(string From, long FromUserId, JsonElement Candidate);
