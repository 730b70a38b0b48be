using Concord.Server.Infrastructure.Errors;
using FluentValidation;
using FluentValidation.Results;

namespace Concord.Server.Features.Messages;

/// <summary>Sends a message. <see cref="Nonce"/> makes retries safe: the same author, place and nonce within 10 minutes return the first message.</summary>
public sealed record SendMessageRequest(string? Content, string? Nonce);

public sealed record EditMessageRequest(string? Content);

/// <summary>Shared by channel and direct messages, REST and real-time, so the rules cannot drift apart.</summary>
internal static class MessageRules
{
    /// <summary>How long a nonce keeps answering with the first message.</summary>
    public static readonly TimeSpan NonceWindow = TimeSpan.FromMinutes(10);

    public static readonly ApiError TooFast = new(ErrorCode.RateLimited, "You are sending messages too fast.");

    /// <summary>
    /// An instant as the database keeps it (whole microseconds, PostgreSQL's precision), so what a send answers equals
    /// what a later read returns.
    /// </summary>
    public static DateTimeOffset StoredInstant(DateTimeOffset now) => new(now.Ticks - now.Ticks % 10, now.Offset);

    public static IRuleBuilderOptions<T, string?> MessageContent<T>(this IRuleBuilder<T, string?> rule) => rule
        .Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage("Must not be empty.")
        .Must(c => c is null || c.Trim().Length <= MessageLimits.ContentMax).WithMessage($"Must be at most {MessageLimits.ContentMax} characters.");

    public static ApiError ToApiError(this ValidationResult result) => new(ErrorCode.ValidationFailed, null,
        result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));
}

internal sealed class SendMessageValidator : AbstractValidator<SendMessageRequest>
{
    public SendMessageValidator()
    {
        RuleFor(r => r.Content).MessageContent();
        RuleFor(r => r.Nonce).Length(1, MessageLimits.NonceMax).When(r => r.Nonce is not null);
    }
}

internal sealed class EditMessageValidator : AbstractValidator<EditMessageRequest>
{
    public EditMessageValidator() => RuleFor(r => r.Content).MessageContent();
}
