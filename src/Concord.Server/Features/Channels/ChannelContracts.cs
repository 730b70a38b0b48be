using System.Text.RegularExpressions;
using FluentValidation;

namespace Concord.Server.Features.Channels;

public static partial class ChannelLimits
{
    public const int NameMax = 100;
    public const int PositionMax = 10_000;
    /// <summary>Discord allows 500 channels per server.</summary>
    public const int PerServerMax = 500;

    /// <summary>Text channel names are lower-cased with runs of whitespace turned into one dash ("Off Topic" → "off-topic").</summary>
    public static string Normalize(string name, ChannelType type)
    {
        var trimmed = name.Trim();
        return type == ChannelType.Text ? Whitespace().Replace(trimmed.ToLowerInvariant(), "-") : trimmed;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

public sealed record ChannelDto(long Id, long ServerId, string Name, ChannelType Type, int Position, DateTimeOffset CreatedAt)
{
    public static ChannelDto From(Channel c) => new(c.Id, c.ServerId, c.Name, c.Type, c.Position, c.CreatedAt);
}

/// <summary>Position defaults to after the last channel.</summary>
public sealed record CreateChannelRequest(string? Name, ChannelType? Type, int? Position);
public sealed record UpdateChannelRequest(string? Name, int? Position);

internal sealed class CreateChannelValidator : AbstractValidator<CreateChannelRequest>
{
    public CreateChannelValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(ChannelLimits.NameMax);
        RuleFor(r => r.Type).NotNull().IsInEnum();
        RuleFor(r => r.Position).InclusiveBetween(0, ChannelLimits.PositionMax);
    }
}

internal sealed class UpdateChannelValidator : AbstractValidator<UpdateChannelRequest>
{
    public UpdateChannelValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(ChannelLimits.NameMax).When(r => r.Name is not null);
        RuleFor(r => r.Position).InclusiveBetween(0, ChannelLimits.PositionMax);
    }
}
