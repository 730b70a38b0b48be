using Concord.Server.Features.Members;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Realtime;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.RateLimiting;
using Concord.Server.Infrastructure.Security;
using Concord.Server.Infrastructure.Sessions;
using Concord.Server.Infrastructure.Validation;
using Microsoft.EntityFrameworkCore;
using System.Security.Claims;

namespace Concord.Server.Features.Auth;

public static class AuthEndpoints
{
    private static readonly ApiError InvalidCredentials = new(ErrorCode.Unauthorized, "Invalid email or password.");

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/register", Register).Validate<RegisterRequest>().WithMetadata(new SkipCsrfAttribute()).RequireRateLimiting(RateLimitPolicies.Auth);
        group.MapPost("/login", Login).Validate<LoginRequest>().WithMetadata(new SkipCsrfAttribute()).RequireRateLimiting(RateLimitPolicies.Auth);
        group.MapPost("/logout", Logout).RequireAuthorization();
        group.MapGet("/me", Me).RequireAuthorization();
        group.MapPatch("/profile", UpdateProfile).Validate<ProfileRequest>().RequireAuthorization();
        group.MapGet("/csrf", Csrf).RequireAuthorization();
        group.MapPost("/token", Token).RequireRateLimiting(RateLimitPolicies.Auth);
        group.MapAccountEndpoints();
        return app;
    }

    private static async Task<IResult> Register(RegisterRequest req, ConcordDbContext db, PasswordHasher hasher,
        SnowflakeGenerator ids, SessionCookies cookies, CancellationToken ct)
    {
        var email = req.Email!.Trim();
        var normalizedEmail = email.ToLowerInvariant();
        var normalizedUsername = req.Username!.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail, ct))
            return ApiError.Conflict("That email is already registered.").ToResult();
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalizedUsername, ct))
            return ApiError.Conflict("That username is taken.").ToResult();

        var user = new User
        {
            Id = ids.Next(),
            Email = email,
            NormalizedEmail = normalizedEmail,
            Username = req.Username!,
            NormalizedUsername = normalizedUsername,
            DisplayName = string.IsNullOrWhiteSpace(req.DisplayName) ? null : req.DisplayName.Trim(),
            PasswordHash = hasher.Hash(req.Password!),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException ex) when (db.IsUniqueViolation(ex))
        {
            // Lost a race with a concurrent registration of the same email or username.
            return ApiError.Conflict("That email or username is already taken.").ToResult();
        }
        await cookies.StartAsync(user.Id);
        return Results.Created("/api/auth/me", UserDto.From(user));
    }

    private static async Task<IResult> Login(LoginRequest req, ConcordDbContext db, PasswordHasher hasher, SessionCookies cookies, CancellationToken ct)
    {
        var user = await FindByCredentials(db, hasher, req.Email!, req.Password!, ct);
        if (user is null) return InvalidCredentials.ToResult();
        await cookies.StartAsync(user.Id);
        return Results.Ok(UserDto.From(user));
    }

    private static async Task<IResult> Logout(SessionCookies cookies, CancellationToken ct)
    {
        await cookies.EndAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> Me(ClaimsPrincipal principal, ConcordDbContext db, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == principal.UserId(), ct);
        return user is null ? new ApiError(ErrorCode.Unauthorized).ToResult() : Results.Ok(UserDto.From(user));
    }

    private static async Task<IResult> UpdateProfile(ProfileRequest req, ClaimsPrincipal principal, ConcordDbContext db,
        PasswordHasher hasher, AccountRevocation revocation, SessionCookies cookies, ReadCache cache, IRealtimeEvents realtime, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == principal.UserId(), ct);
        if (user is null) return new ApiError(ErrorCode.Unauthorized).ToResult();

        if (req.NewPassword is not null && !hasher.Verify(req.CurrentPassword!, user.PasswordHash))
            return ApiError.Field("currentPassword", "Is incorrect.").ToResult();
        if (req.Username is not null && req.Username != user.Username)
        {
            var normalized = req.Username.ToLowerInvariant();
            if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized && u.Id != user.Id, ct))
                return ApiError.Conflict("That username is taken.").ToResult();
            user.Username = req.Username;
            user.NormalizedUsername = normalized;
        }
        // An empty string clears an optional field; null leaves it as it is.
        if (req.DisplayName is not null) user.DisplayName = req.DisplayName.Trim() is { Length: > 0 } d ? d : null;
        if (req.AvatarUrl is not null) user.AvatarUrl = req.AvatarUrl.Length > 0 ? req.AvatarUrl : null;
        if (req.Bio is not null) user.Bio = req.Bio.Length > 0 ? req.Bio : null;
        if (req.NewPassword is not null)
        {
            user.PasswordHash = hasher.Hash(req.NewPassword);
            user.TokenVersion++; // every access token issued so far dies with the old password
        }

        if (req.NewPassword is not null) await revocation.EndSessionsAsync(user.Id);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException ex) when (db.IsUniqueViolation(ex))
        {
            return ApiError.Conflict("That username is taken.").ToResult();
        }
        await cache.UserChangedAsync(user.Id);
        if (req.Username is not null || req.DisplayName is not null || req.AvatarUrl is not null) await realtime.ProfileChangedAsync(db, user.Id);
        if (req.NewPassword is not null)
        {
            // Every session, token and socket of the user ends; a browser caller gets a fresh session so it stays signed
            // in, a bearer caller mints a new token with the new password.
            await revocation.RevokeEverythingAsync(user.Id, user.TokenVersion);
            if (principal.IsSessionAuthenticated()) await cookies.StartAsync(user.Id);
        }
        return Results.Ok(UserDto.From(user));
    }

    private static IResult Csrf(ClaimsPrincipal principal) =>
        principal.FindFirst(ConcordClaims.Csrf)?.Value is { } token
            ? Results.Ok(new CsrfResponse(token))
            : new ApiError(ErrorCode.BadRequest, "Bearer-token requests need no CSRF token.").ToResult();

    /// <summary>
    /// With a live session cookie: a token for that user. Otherwise the body's email and password. Never from another
    /// access token: a stolen token must not be able to renew itself, so a bearer caller sends its credentials again.
    /// </summary>
    private static async Task<IResult> Token(HttpContext http, ConcordDbContext db, PasswordHasher hasher, TokenService tokens,
        ISessionStore sessions, SessionStoreOptions sessionOptions, CancellationToken ct)
    {
        long userId;
        int version;
        if (http.User.IsSessionAuthenticated() && http.User.TryUserId() is { } sessionUser)
        {
            userId = sessionUser;
            var versions = await db.Users.Where(u => u.Id == userId).Select(u => (int?)u.TokenVersion).ToListAsync(ct);
            // Read the version, then make sure the session outlived it: revocations end sessions before they move the
            // version (AccountRevocation.EndSessionsAsync), so a token minted during one cannot carry the new version.
            if (versions is not [{ } current] || await sessions.GetAsync(http.Request.Cookies[sessionOptions.CookieName]!) is null)
                return new ApiError(ErrorCode.Unauthorized).ToResult();
            version = current;
        }
        else
        {
            var req = http.Request.ContentLength is null or 0 ? null : await http.Request.ReadFromJsonAsync<LoginRequest>();
            if (req?.Email is not { Length: > 0 and <= UserLimits.EmailMax } || req.Password is not { Length: > 0 and <= UserLimits.PasswordMax })
                return new ApiError(ErrorCode.Unauthorized, "Sign in, or send email and password.").ToResult();
            var user = await FindByCredentials(db, hasher, req.Email, req.Password, ct);
            if (user is null) return InvalidCredentials.ToResult();
            userId = user.Id;
            version = user.TokenVersion;
        }
        var (token, expiresIn) = tokens.Issue(userId, version);
        return Results.Ok(new TokenResponse(token, "Bearer", expiresIn));
    }

    /// <summary>Unknown email and wrong password both cost one bcrypt verification and give the same answer.</summary>
    private static async Task<User?> FindByCredentials(ConcordDbContext db, PasswordHasher hasher, string email, string password, CancellationToken ct)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        return hasher.Verify(password, user?.PasswordHash) ? user : null;
    }
}
