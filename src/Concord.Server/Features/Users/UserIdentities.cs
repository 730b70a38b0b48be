using Concord.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Users;

/// <summary>Who an authenticated user id is, as a gateway handshake needs it: the name and the current token version.</summary>
public sealed record UserIdentity(string Username, int TokenVersion);

public sealed class UserIdentities(ConcordDbContext db)
{
    /// <summary>Null when the user no longer exists.</summary>
    public Task<UserIdentity?> FindAsync(long userId, CancellationToken ct = default) =>
        db.Users.Where(u => u.Id == userId).Select(u => new UserIdentity(u.Username, u.TokenVersion)).FirstOrDefaultAsync(ct);
}
