using System.Globalization;
using System.Security.Claims;

namespace Concord.Server.Infrastructure.Auth;

public static class CurrentUser
{
    /// <summary>The authenticated user's id. Only call behind RequireAuthorization().</summary>
    public static long UserId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(ConcordClaims.UserId)!, CultureInfo.InvariantCulture);

    public static long? TryUserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ConcordClaims.UserId), CultureInfo.InvariantCulture, out var id) ? id : null;

    public static bool IsSessionAuthenticated(this ClaimsPrincipal user) =>
        user.FindFirstValue(ConcordClaims.AuthMethod) == ConcordClaims.SessionMethod;
}
