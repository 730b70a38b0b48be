using Concord.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Servers;

internal static class ServerLocks
{
    /// <summary>
    /// Inside a transaction: locks the server row until commit (a no-op UPDATE, which works the same on PostgreSQL and SQLite),
    /// so writes that must see each other — join vs. ban, deleting the last text channel, transfers — run one at a time per server.
    /// Returns false when the server does not exist.
    /// </summary>
    public static async Task<bool> LockServerAsync(this ConcordDbContext db, long serverId) =>
        await db.Servers.Where(s => s.Id == serverId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, x => x.Name)) == 1;
}
