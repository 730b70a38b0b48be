using Concord.Server.Features.Media.Storage;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Ids;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Features.Media;

/// <summary>
/// Deletes uploads that no message claimed within <see cref="MediaOptions.UnattachedLifetime"/> (and those freed by a
/// deleted message), then their bytes and previews when no other upload shares the same hash.
/// </summary>
public sealed partial class UnattachedUploadSweeper(IServiceScopeFactory scopes, MediaOptions options, TimeProvider time,
    ILogger<UnattachedUploadSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CleanupInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns how many uploads it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        var storage = scope.ServiceProvider.GetRequiredService<IMediaStorage>();
        // Snowflake ids carry their creation time, and compare on both databases (SQLite cannot compare DateTimeOffset).
        var cutoff = SnowflakeGenerator.MinIdAt(time.GetUtcNow() - options.UnattachedLifetime);
        var stale = await db.Attachments.AsNoTracking().Where(a => a.MessageId == null && a.Id < cutoff)
            .OrderBy(a => a.Id).Take(500).Select(a => new { a.Id, a.Sha256, a.Previews }).ToListAsync(ct);
        var removed = 0;
        foreach (var a in stale)
        {
            // Conditional: a send that claimed it a moment ago wins.
            if (await db.Attachments.Where(x => x.Id == a.Id && x.MessageId == null).ExecuteDeleteAsync(ct) == 0) continue;
            removed++;
            if (await db.Attachments.AnyAsync(x => x.Sha256 == a.Sha256, ct)) continue;
            await storage.DeleteAsync(MediaKeys.ForHash(a.Sha256), ct);
            foreach (var p in StoredPreview.Parse(a.Previews)) await storage.DeleteAsync(MediaKeys.ForHash(p.Sha256, "t"), ct);
        }
        if (removed > 0) LogSwept(logger, removed);
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} unattached uploads")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping unattached uploads failed; next pass retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
