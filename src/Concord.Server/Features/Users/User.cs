using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Concord.Server.Features.Users;

public sealed class User
{
    public long Id { get; set; }
    public required string Email { get; set; }
    /// <summary>Lower-cased email: the unique key, so "A@x.io" and "a@x.io" are one account.</summary>
    public required string NormalizedEmail { get; set; }
    public required string Username { get; set; }
    public required string NormalizedUsername { get; set; }
    public string? DisplayName { get; set; }
    public string? AvatarUrl { get; set; }
    public string? Bio { get; set; }
    public required string PasswordHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Carried by every access token as <c>ver</c>; bumping it revokes all of the user's tokens at once.</summary>
    public int TokenVersion { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.Property(u => u.Id).ValueGeneratedNever();
        b.Property(u => u.Email).HasMaxLength(UserLimits.EmailMax);
        b.Property(u => u.NormalizedEmail).HasMaxLength(UserLimits.EmailMax);
        b.Property(u => u.Username).HasMaxLength(UserLimits.UsernameMax);
        b.Property(u => u.NormalizedUsername).HasMaxLength(UserLimits.UsernameMax);
        b.Property(u => u.DisplayName).HasMaxLength(UserLimits.DisplayNameMax);
        b.Property(u => u.AvatarUrl).HasMaxLength(UserLimits.UrlMax);
        b.Property(u => u.Bio).HasMaxLength(UserLimits.BioMax);
        b.Property(u => u.PasswordHash).HasMaxLength(100);
        b.HasIndex(u => u.NormalizedEmail).IsUnique();
        b.HasIndex(u => u.NormalizedUsername).IsUnique();
    }
}

public static class UserLimits
{
    public const int EmailMax = 254;
    public const int UsernameMin = 2;
    public const int UsernameMax = 32;
    public const int DisplayNameMax = 64;
    public const int UrlMax = 2048;
    public const int BioMax = 190;
    public const int PasswordMin = 8;
    public const int PasswordMax = 128;
}
