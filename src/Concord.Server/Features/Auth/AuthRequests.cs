using Concord.Server.Features.Users;
using FluentValidation;

namespace Concord.Server.Features.Auth;

public sealed record RegisterRequest(string? Email, string? Username, string? Password, string? DisplayName);
public sealed record LoginRequest(string? Email, string? Password);
public sealed record ProfileRequest(string? Username, string? DisplayName, string? AvatarUrl, string? Bio, string? NewPassword, string? CurrentPassword);
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);
public sealed record CsrfResponse(string Token);

/// <summary>Shared field rules, so register and profile cannot drift apart.</summary>
internal static class AuthRules
{
    /// <summary>Letters, digits, '_', '.', '-' (ASCII), 2–32 characters: safe in mentions and URLs.</summary>
    public const string UsernamePattern = "^[A-Za-z0-9_.-]+$";

    public static IRuleBuilderOptions<T, string?> Username<T>(this IRuleBuilder<T, string?> rule) => rule
        .Length(UserLimits.UsernameMin, UserLimits.UsernameMax)
        .Matches(UsernamePattern).WithMessage("May contain only letters, digits, '_', '.' and '-'.");

    public static IRuleBuilderOptions<T, string?> Password<T>(this IRuleBuilder<T, string?> rule) => rule
        .Length(UserLimits.PasswordMin, UserLimits.PasswordMax);

    public static IRuleBuilderOptions<T, string?> HttpUrl<T>(this IRuleBuilder<T, string?> rule) => rule
        .MaximumLength(UserLimits.UrlMax)
        .Must(u => u is null || u.Length == 0 || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || uri.Scheme == "http")))
        .WithMessage("Must be an absolute http(s) URL.");
}

internal sealed class RegisterValidator : AbstractValidator<RegisterRequest>
{
    public RegisterValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(UserLimits.EmailMax).EmailAddress();
        RuleFor(r => r.Username).NotEmpty().Username();
        RuleFor(r => r.Password).NotEmpty().Password();
        RuleFor(r => r.DisplayName).MaximumLength(UserLimits.DisplayNameMax);
    }
}

internal sealed class LoginValidator : AbstractValidator<LoginRequest>
{
    public LoginValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(UserLimits.EmailMax);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(UserLimits.PasswordMax);
    }
}

internal sealed class ProfileValidator : AbstractValidator<ProfileRequest>
{
    public ProfileValidator()
    {
        RuleFor(r => r.Username).Username().When(r => r.Username is not null);
        RuleFor(r => r.DisplayName).MaximumLength(UserLimits.DisplayNameMax);
        RuleFor(r => r.AvatarUrl).HttpUrl();
        RuleFor(r => r.Bio).MaximumLength(UserLimits.BioMax);
        RuleFor(r => r.NewPassword).Password().When(r => r.NewPassword is not null);
        RuleFor(r => r.CurrentPassword).NotEmpty().MaximumLength(UserLimits.PasswordMax)
            .When(r => r.NewPassword is not null).WithMessage("Required to change the password.");
    }
}
