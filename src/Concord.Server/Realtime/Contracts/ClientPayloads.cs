using System.Text.Json;
using System.Text.Json.Serialization;
using Concord.Server.Features.Conversations;
using Concord.Server.Features.Messages;
using FluentValidation;

namespace Concord.Server.Realtime.Contracts;

// Payloads, validators and acks of the client events (ClientEvents.cs). Ids are strings on the wire (numbers are read
// too); a payload that is not an object, or a field of the wrong type, is validation_failed naming the field.

public sealed record ChannelRef(long? ChannelId);
public sealed record ConversationRef(long? ConversationId);

/// <summary><c>{channelId}</c> or <c>{conversationId}</c>: exactly one (typing indicators, calls).</summary>
public sealed record PlaceRef(long? ChannelId, long? ConversationId);

public sealed record SendMessagePayload(long? ChannelId, string? Content, string? Nonce, IReadOnlyList<long>? Attachments = null)
{
    [JsonIgnore]
    public SendMessageRequest Request => new(Content, Nonce, Attachments);
}

public sealed record SendDirectMessagePayload(long? ConversationId, string? Content, string? Nonce)
{
    [JsonIgnore]
    public SendMessageRequest Request => new(Content, Nonce);
}

/// <summary><see cref="Status"/>: <c>"online"</c> or <c>"idle"</c>.</summary>
public sealed record SetStatusPayload(string? Status);

/// <summary>A WebRTC session description for the socket <see cref="To"/> in the same call (<c>offer</c>, <c>answer</c>).</summary>
public sealed record SdpSignal(string? To, JsonElement Sdp);

/// <summary>An ICE candidate for the socket <see cref="To"/> in the same call.</summary>
public sealed record IceCandidateSignal(string? To, JsonElement Candidate);

public sealed record JoinServersAck(IReadOnlyList<long> ServerIds) : SuccessAck;
public sealed record JoinChannelAck(long ChannelId, long ServerId) : SuccessAck;
public sealed record JoinConversationAck(long ConversationId) : SuccessAck;
public sealed record MessageAck(MessageDto Message) : SuccessAck;
public sealed record DirectMessageAck(DirectMessageDto Message) : SuccessAck;
/// <summary><see cref="Status"/>: the user's resulting presence.</summary>
public sealed record StatusAck(string Status) : SuccessAck;
public sealed record CallParticipantsAck(IReadOnlyList<CallParticipant> Participants) : SuccessAck;

internal static class PayloadRules
{
    /// <summary>A Snowflake id: present and positive ("-5" or 0 is a validation error, not a lookup).</summary>
    public static IRuleBuilderOptions<T, long?> Id<T>(this IRuleBuilder<T, long?> rule) => rule.NotNull().GreaterThan(0);

    /// <summary>Largest accepted WebRTC signal (its JSON): session descriptions are a few KB.</summary>
    public const int MaxSignalBytes = 64 * 1024;

    public static IRuleBuilderOptions<T, JsonElement> Signal<T>(this IRuleBuilder<T, JsonElement> rule) => rule
        .Must(v => v.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null)).WithMessage("Required.")
        .Must(v => v.ValueKind == JsonValueKind.Undefined || v.GetRawText().Length <= MaxSignalBytes).WithMessage($"Must be at most {MaxSignalBytes} bytes.");
}

internal sealed class ChannelRefValidator : AbstractValidator<ChannelRef>
{
    public ChannelRefValidator() => RuleFor(p => p.ChannelId).Id();
}

internal sealed class ConversationRefValidator : AbstractValidator<ConversationRef>
{
    public ConversationRefValidator() => RuleFor(p => p.ConversationId).Id();
}

internal sealed class PlaceRefValidator : AbstractValidator<PlaceRef>
{
    public PlaceRefValidator()
    {
        RuleFor(p => p.ChannelId).NotNull().When(p => p.ConversationId is null).WithMessage("Give channelId or conversationId.");
        RuleFor(p => p.ConversationId).Null().When(p => p.ChannelId is not null).WithMessage("Give channelId or conversationId, not both.");
        RuleFor(p => p.ChannelId).GreaterThan(0).When(p => p.ChannelId is not null);
        RuleFor(p => p.ConversationId).GreaterThan(0).When(p => p.ConversationId is not null);
    }
}

/// <summary>The REST body's rules (<see cref="SendMessageValidator"/>) plus the channel id, so the two cannot drift apart.</summary>
internal sealed class SendMessagePayloadValidator : AbstractValidator<SendMessagePayload>
{
    private static readonly SendMessageValidator Body = new();

    public SendMessagePayloadValidator()
    {
        RuleFor(p => p.ChannelId).Id();
        RuleFor(p => p).Custom((p, context) => { foreach (var failure in Body.Validate(p.Request).Errors) context.AddFailure(failure); });
    }
}

/// <summary>As the REST body of a direct message, plus the conversation id.</summary>
internal sealed class SendDirectMessagePayloadValidator : AbstractValidator<SendDirectMessagePayload>
{
    private static readonly SendMessageValidator Body = new();

    public SendDirectMessagePayloadValidator()
    {
        RuleFor(p => p.ConversationId).Id();
        RuleFor(p => p).Custom((p, context) => { foreach (var failure in Body.Validate(p.Request).Errors) context.AddFailure(failure); });
    }
}

internal sealed class SetStatusValidator : AbstractValidator<SetStatusPayload>
{
    public SetStatusValidator() => RuleFor(p => p.Status).Must(s => s is "online" or "idle").WithMessage("Must be \"online\" or \"idle\".");
}

internal sealed class SdpSignalValidator : AbstractValidator<SdpSignal>
{
    public SdpSignalValidator()
    {
        RuleFor(p => p.To).NotEmpty().MaximumLength(64);
        RuleFor(p => p.Sdp).Signal();
    }
}

internal sealed class IceCandidateSignalValidator : AbstractValidator<IceCandidateSignal>
{
    public IceCandidateSignalValidator()
    {
        RuleFor(p => p.To).NotEmpty().MaximumLength(64);
        RuleFor(p => p.Candidate).Signal();
    }
}
