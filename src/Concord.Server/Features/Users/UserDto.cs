namespace Concord.Server.Features.Users;

/// <summary>The caller's own profile (includes the email).</summary>
public sealed record UserDto(long Id, string Email, string Username, string? DisplayName, string? AvatarUrl, string? Bio, DateTimeOffset CreatedAt)
{
    public static UserDto From(User u) => new(u.Id, u.Email, u.Username, u.DisplayName, u.AvatarUrl, u.Bio, u.CreatedAt);
}

/// <summary>What others see of a user: no email.</summary>
public sealed record UserSummary(long Id, string Username, string? DisplayName, string? AvatarUrl)
{
    public static UserSummary From(User u) => new(u.Id, u.Username, u.DisplayName, u.AvatarUrl);
}
