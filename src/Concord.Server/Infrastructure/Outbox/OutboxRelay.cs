using System.Text.Json;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Realtime;
using Concord.Server.Realtime.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Infrastructure.Outbox;

/// <summary>
/// Publishes the outbox rows that their own node did not: it died between commit and publish, or its publish failed.
/// Runs on every node; only rows older than <see cref="OutboxOptions.RelayAfter"/> are touched, so the committing node's
/// immediate publish stays the normal path. On PostgreSQL the rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so two
/// nodes never publish the same row; SQLite serves one node only, so a plain read is enough.
/// </summary>
internal sealed partial class OutboxRelay(IServiceScopeFactory scopes, OutboxOptions options, TimeProvider time, ILogger<OutboxRelay> logger) : BackgroundService
{
    private bool _failing;
    private long _redisRestoredAt = long.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After a Redis outage every node's subscriber reconnects at about the same moment, but not at once: a row
        // relayed the instant this node is back could be published before another node subscribed again, and its
        // sockets would never see it (pub/sub keeps nothing). So the relay waits RelayAfter after a reconnect.
        using (var scope = scopes.CreateScope())
            if (scope.ServiceProvider.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } redis)
                redis.ConnectionRestored += (_, _) => Interlocked.Exchange(ref _redisRestoredAt, time.GetTimestamp());
        using var timer = new PeriodicTimer(options.RelayInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var restoredAt = Interlocked.Read(ref _redisRestoredAt);
            if (restoredAt != long.MinValue && time.GetElapsedTime(restoredAt) < options.RelayAfter) continue;
            try
            {
                while (await RelayOnceAsync(stoppingToken) == options.BatchSize) { }
                if (_failing) LogRecovered(logger);
                _failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database or Redis is down: the rows wait for the next pass. Logged once per outage.
                if (!_failing) LogFailed(logger, ex.GetType().Name, ex.Message);
                _failing = true;
            }
        }
    }

    /// <summary>Publishes one batch of left-behind rows; returns how many.</summary>
    internal async Task<int> RelayOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        var realtime = scope.ServiceProvider.GetRequiredService<IRealtimeEvents>();
        var cutoff = SnowflakeGenerator.MinIdAt(time.GetUtcNow() - options.RelayAfter);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = db is PostgresConcordDbContext
            ? await db.Set<OutboxEvent>()
                .FromSql($"SELECT * FROM outbox_events WHERE id < {cutoff} ORDER BY id LIMIT {options.BatchSize} FOR UPDATE SKIP LOCKED")
                .AsNoTracking().ToListAsync(ct)
            : await db.Set<OutboxEvent>().Where(e => e.Id < cutoff).OrderBy(e => e.Id).Take(options.BatchSize).AsNoTracking().ToListAsync(ct);
        if (rows.Count == 0) return 0;

        foreach (var row in rows)
        {
            // Staged through a catalogue entry; a name a newer version wrote and this one does not know is not published.
            if (ServerEvents.Find(row.EventName) is not { } contract)
            {
                LogUnknownEvent(logger, row.EventName, row.Id);
                continue;
            }
            var rooms = JsonSerializer.Deserialize<string[]>(row.Rooms, RealtimeOutbox.Json)!;
            using var payload = JsonDocument.Parse(row.Payload);
            await realtime.PublishAsync(rooms, new OutgoingEvent(contract, payload.RootElement.Clone()));
        }
        var ids = rows.Select(r => r.Id).ToList();
        await db.Set<OutboxEvent>().Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        LogRelayed(logger, rows.Count);
        return rows.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay published {Count} event(s) left behind")]
    private static partial void LogRelayed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {OutboxId} names event {EventName}, which is not in the catalogue: dropped")]
    private static partial void LogUnknownEvent(ILogger logger, string eventName, long outboxId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay cannot run: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogFailed(ILogger logger, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay runs again")]
    private static partial void LogRecovered(ILogger logger);
}
