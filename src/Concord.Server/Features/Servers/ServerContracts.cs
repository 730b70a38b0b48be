using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Features.Users;
using FluentValidation;

namespace Concord.Server.Features.Servers;

public static class ServerLimits
{
    public const int NameMax = 100;
    /// <summary>Members embedded in GET /api/servers/{id}; larger servers page through /members.</summary>
    public const int MembersInDetail = 1000;
    /// <summary>Extra invites live at most 30 days (Discord: 7).</summary>
    public const int InviteMaxAgeSeconds = 30 * 24 * 3600;
    public const int InviteMaxUses = 10_000;
}

/// <summary>A server as its members see it. Every member may see (and share) the main invite code.</summary>
public sealed record ServerDto(long Id, string Name, string? IconUrl, long OwnerId, string InviteCode, DateTimeOffset CreatedAt)
{
    public static ServerDto From(ChatServer s) => new(s.Id, s.Name, s.IconUrl, s.OwnerId, s.InviteCode, s.CreatedAt);
}

/// <summary>
/// GET /api/servers/{id}: channels by position, and the first <see cref="ServerLimits.MembersInDetail"/> members by user id
/// (<see cref="MemberCount"/> tells whether more exist; page through /members for them).
/// </summary>
public sealed record ServerDetailDto(long Id, string Name, string? IconUrl, long OwnerId, string InviteCode, DateTimeOffset CreatedAt,
    int MemberCount, IReadOnlyList<ChannelDto> Channels, IReadOnlyList<MemberDto> Members);

public sealed record InviteDto(string Code, long ServerId, long CreatorId, int? MaxUses, int Uses, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt)
{
    public static InviteDto From(Invite i) => new(i.Code, i.ServerId, i.CreatorId, i.MaxUses, i.Uses, i.ExpiresAt, i.CreatedAt);
}

/// <summary>What anyone logged in sees of an invite before joining.</summary>
public sealed record InvitePreviewDto(string Code, long ServerId, string Name, string? IconUrl, int MemberCount, DateTimeOffset? ExpiresAt);

public sealed record InviteCodeResponse(string InviteCode);

public sealed record CreateServerRequest(string? Name, string? IconUrl);
/// <summary>Null leaves a field as it is; an empty iconUrl removes the icon.</summary>
public sealed record UpdateServerRequest(string? Name, string? IconUrl);
public sealed record JoinServerRequest(string? InviteCode);
/// <summary>Both optional: no expiry, unlimited uses.</summary>
public sealed record CreateInviteRequest(int? MaxAgeSeconds, int? MaxUses);

internal static class ServerRules
{
    public static IRuleBuilderOptions<T, string?> IconUrl<T>(this IRuleBuilder<T, string?> rule) => rule
        .MaximumLength(UserLimits.UrlMax)
        .Must(u => u is null || u.Length == 0 || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || uri.Scheme == "http")))
        .WithMessage("Must be an absolute http(s) URL.");
}

internal sealed class CreateServerValidator : AbstractValidator<CreateServerRequest>
{
    public CreateServerValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(ServerLimits.NameMax);
        RuleFor(r => r.IconUrl).IconUrl();
    }
}

internal sealed class UpdateServerValidator : AbstractValidator<UpdateServerRequest>
{
    public UpdateServerValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(ServerLimits.NameMax).When(r => r.Name is not null);
        RuleFor(r => r.IconUrl).IconUrl();
    }
}

internal sealed class JoinServerValidator : AbstractValidator<JoinServerRequest>
{
    public JoinServerValidator() =>
        RuleFor(r => r.InviteCode).NotEmpty().MaximumLength(ServerConfiguration.InviteCodeMax)
            .Matches("^[A-Za-z0-9]+$").WithMessage("Must be letters and digits only.");
}

internal sealed class CreateInviteValidator : AbstractValidator<CreateInviteRequest>
{
    public CreateInviteValidator()
    {
        RuleFor(r => r.MaxAgeSeconds).InclusiveBetween(1, ServerLimits.InviteMaxAgeSeconds);
        RuleFor(r => r.MaxUses).InclusiveBetween(1, ServerLimits.InviteMaxUses);
    }
}
