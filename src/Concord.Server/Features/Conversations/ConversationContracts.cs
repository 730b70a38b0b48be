using System.Linq.Expressions;
using Concord.Server.Features.Messages;
using Concord.Server.Features.Users;
using FluentValidation;

namespace Concord.Server.Features.Conversations;

/// <summary>Either <see cref="UserId"/> (the 1:1 conversation with that user) or <see cref="UserIds"/> (a new group of 2–9 others).</summary>
public sealed record CreateConversationRequest(long? UserId, long[]? UserIds, string? Name);

/// <summary>A direct message on the wire (REST answers and the <c>new-direct-message</c> event).</summary>
public sealed record DirectMessageDto(long Id, long ConversationId, UserSummary Author, string Content,
    DateTimeOffset CreatedAt, DateTimeOffset? EditedAt, string? Nonce)
{
    public static readonly Expression<Func<DirectMessage, DirectMessageDto>> Projection = m => new DirectMessageDto(
        m.Id, m.ConversationId,
        new UserSummary(m.Author!.Id, m.Author.Username, m.Author.DisplayName, m.Author.AvatarUrl),
        m.Content, m.CreatedAt, m.EditedAt, m.Nonce);
}

/// <summary>A conversation with every participant (the caller included) and its newest message.</summary>
public sealed record ConversationDto(long Id, bool IsGroup, string? Name, List<UserSummary> Participants,
    DirectMessageDto? LastMessage, DateTimeOffset CreatedAt);

public sealed record AddParticipantRequest(long? UserId);

internal sealed class AddParticipantValidator : AbstractValidator<AddParticipantRequest>
{
    public AddParticipantValidator() => RuleFor(r => r.UserId).NotNull().GreaterThan(0);
}

public static class ConversationLimits
{
    /// <summary>Others in a group, besides its creator.</summary>
    public const int GroupMinOthers = 2;
    public const int GroupMaxOthers = 9;
    /// <summary>Everyone in a group, as Discord's group DMs (its creator and nine others).</summary>
    public const int GroupMaxParticipants = GroupMaxOthers + 1;
    public const int NameMax = 100;
}

internal sealed class CreateConversationValidator : AbstractValidator<CreateConversationRequest>
{
    public CreateConversationValidator()
    {
        RuleFor(r => r.UserId).NotNull().When(r => r.UserIds is null).WithMessage("Send userId (1:1) or userIds (group).");
        RuleFor(r => r.UserId).Null().When(r => r.UserIds is not null).WithMessage("Send either userId or userIds, not both.");
        RuleFor(r => r.UserId).GreaterThan(0).When(r => r.UserId is not null);
        RuleFor(r => r.UserIds!)
            .Must(ids => ids.Length is >= ConversationLimits.GroupMinOthers and <= ConversationLimits.GroupMaxOthers)
            .WithMessage($"A group needs {ConversationLimits.GroupMinOthers}–{ConversationLimits.GroupMaxOthers} other users.")
            .Must(ids => ids.Distinct().Count() == ids.Length).WithMessage("Must not repeat a user.")
            .Must(ids => ids.All(id => id > 0)).WithMessage("Must be user ids.")
            .When(r => r.UserIds is not null);
        RuleFor(r => r.Name).MaximumLength(ConversationLimits.NameMax);
        RuleFor(r => r.Name).Null().When(r => r.UserIds is null).WithMessage("Only group conversations have a name.");
    }
}
