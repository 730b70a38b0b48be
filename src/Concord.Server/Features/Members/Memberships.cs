using Concord.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Members;

/// <summary>The servers a user belongs to: the rooms a socket joins (<c>join-servers</c>) and who hears of a presence change.</summary>
public sealed class Memberships(ConcordDbContext db)
{
    public Task<List<long>> ServerIdsAsync(long userId, CancellationToken ct = default) =>
        db.Members.Where(m => m.UserId == userId).Select(m => m.ServerId).ToListAsync(ct);
}
