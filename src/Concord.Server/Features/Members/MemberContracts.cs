using Concord.Server.Features.Users;
using FluentValidation;

namespace Concord.Server.Features.Members;

public static class MemberLimits
{
    public const int PageDefault = 100;
    public const int PageMax = 1000;
    public const int BanReasonMax = 512;
}

/// <summary>A member as the API shows it; <see cref="Presence"/> ("online", "idle", "offline") only where the list is read.</summary>
public sealed record MemberDto(UserSummary User, MemberRole Role, DateTimeOffset JoinedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Presence = null);
public sealed record BanDto(UserSummary User, long BannedById, string? Reason, DateTimeOffset CreatedAt);

public sealed record ChangeRoleRequest(MemberRole? Role);
public sealed record TransferRequest(long? UserId);
/// <summary>The body of PUT /bans/{userId} is optional.</summary>
public sealed record BanRequest(string? Reason);

internal sealed class ChangeRoleValidator : AbstractValidator<ChangeRoleRequest>
{
    public ChangeRoleValidator() =>
        RuleFor(r => r.Role).NotNull().Must(r => r is MemberRole.Admin or MemberRole.Member)
            .WithMessage("Must be \"admin\" or \"member\"; ownership moves only with POST /transfer.");
}

internal sealed class TransferValidator : AbstractValidator<TransferRequest>
{
    public TransferValidator() => RuleFor(r => r.UserId).NotNull().GreaterThan(0);
}

internal sealed class BanValidator : AbstractValidator<BanRequest>
{
    public BanValidator() => RuleFor(r => r.Reason).MaximumLength(MemberLimits.BanReasonMax);
}
