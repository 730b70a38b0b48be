using System.Security.Claims;
using Concord.Server.Features.Conversations;
using Concord.Server.Features.Members;
using Concord.Server.Features.Users;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Caching;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Realtime;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Auth;

public sealed record DeleteAccountRequest(string? Password);

internal sealed class DeleteAccountValidator : AbstractValidator<DeleteAccountRequest>
{
    public DeleteAccountValidator() => RuleFor(r => r.Password).NotEmpty().MaximumLength(UserLimits.PasswordMax);
}

/// <summary>Sign out everywhere, and delete the account: both end every session, token and socket of the user.</summary>
public static class AccountEndpoints
{
    internal static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/logout-all", LogoutAll).RequireAuthorization();
        group.MapDelete("/account", DeleteAccount).Validate<DeleteAccountRequest>().RequireAuthorization();
        return group;
    }

    private static async Task<IResult> LogoutAll(ClaimsPrincipal principal, ConcordDbContext db, AccountRevocation revocation, SessionCookies cookies, CancellationToken ct)
    {
        var userId = principal.UserId();
        await revocation.EndSessionsAsync(userId);
        var version = await BumpTokenVersionAsync(db, userId);
        if (version is null) return new ApiError(ErrorCode.Unauthorized).ToResult();
        await revocation.RevokeEverythingAsync(userId, version.Value);
        await cookies.EndAsync();
        return Results.NoContent();
    }

    /// <summary>Revokes every token issued so far; returns the new version, or null when the user is gone.</summary>
    internal static async Task<int?> BumpTokenVersionAsync(ConcordDbContext db, long userId)
    {
        var updated = await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.TokenVersion, u => u.TokenVersion + 1));
        return updated == 0 ? null : await db.Users.Where(u => u.Id == userId).Select(u => u.TokenVersion).FirstAsync();
    }

    /// <summary>
    /// Deletes the account after checking the password, as Discord does. A user who still owns servers gets 409 until
    /// each is transferred or deleted (a server is never left without an owner). The user row goes, and with it (by the
    /// foreign keys' cascades) the user's memberships, messages, direct messages, conversation seats and invites they
    /// created; bans of the user go too. Each server the user was in hears <c>member-left</c> (reason "deleted"), each
    /// conversation <c>participant-left</c>; a group left empty is deleted. Sessions, tokens and sockets end at once.
    /// </summary>
    private static async Task<IResult> DeleteAccount([FromBody] DeleteAccountRequest req, ClaimsPrincipal principal, ConcordDbContext db, PasswordHasher hasher,
        AccountRevocation revocation, SessionCookies cookies, IRealtimeEvents realtime, ReadCache cache, CancellationToken ct)
    {
        var userId = principal.UserId();
        var hash = await db.Users.Where(u => u.Id == userId).Select(u => u.PasswordHash).FirstOrDefaultAsync(ct);
        if (hash is null) return new ApiError(ErrorCode.Unauthorized).ToResult();
        if (!hasher.Verify(req.Password!, hash)) return ApiError.Field("password", "Is incorrect.").ToResult();

        List<long> servers;
        List<(long Id, List<long> Others)> conversations;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            if (await db.Servers.CountAsync(s => s.OwnerId == userId, ct) is > 0 and var owned)
                return ApiError.Conflict($"You own {owned} server(s): transfer ownership or delete them first.").ToResult();
            await revocation.EndSessionsAsync(userId);
            servers = await db.Members.Where(m => m.UserId == userId).Select(m => m.ServerId).ToListAsync(ct);
            var conversationIds = await db.ConversationParticipants.Where(p => p.UserId == userId).Select(p => p.ConversationId).ToListAsync(ct);
            var others = await db.ConversationParticipants.Where(p => conversationIds.Contains(p.ConversationId) && p.UserId != userId)
                .Select(p => new { p.ConversationId, p.UserId }).ToListAsync(ct);
            conversations = conversationIds.Select(id => (id, others.Where(o => o.ConversationId == id).Select(o => o.UserId).ToList())).ToList();
            try
            {
                await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync();
            }
            catch (Exception ex) when (IsForeignKeyViolation(ex))
            {
                // A server created meanwhile (its owner key restricts the delete).
                return ApiError.Conflict("You own a server: transfer ownership or delete it first.").ToResult();
            }
            var emptied = conversations.Where(c => c.Others.Count == 0).Select(c => c.Id).ToList();
            if (emptied.Count > 0) await db.Conversations.Where(c => emptied.Contains(c.Id)).ExecuteDeleteAsync();
            await tx.CommitAsync();
        }

        await revocation.RevokeEverythingAsync(userId, TokenVersionCache.Deleted);
        await cookies.EndAsync();
        await cache.UserChangedAsync(userId);
        foreach (var serverId in servers)
        {
            await cache.MembershipChangedAsync(serverId, userId);
            await realtime.MemberGoneAsync(db, serverId, userId, "deleted");
        }
        foreach (var (conversationId, others) in conversations.Where(c => c.Others.Count > 0))
            await realtime.PublishAsync(Rooms.ConversationAudience(conversationId, others), ServerEvents.ConversationParticipantLeft,
                new ParticipantLeftEvent(conversationId, userId));
        return Results.NoContent();
    }

    private static bool IsForeignKeyViolation(Exception ex) => ex is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.ForeignKeyViolation }
        or Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 787 };
}
