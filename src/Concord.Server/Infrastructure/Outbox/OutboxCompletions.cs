using System.Threading.Channels;
using Concord.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Infrastructure.Outbox;

/// <summary>
/// Outbox rows this node has published, waiting to be deleted. Deleting them off the request path, many per statement,
/// keeps a send at the round trips it had before the outbox. A row whose delete is lost (crash, database down) is
/// published once more by the relay: the at-least-once that clients de-duplicate.
/// </summary>
public sealed class OutboxCompletions
{
    private readonly Channel<long> _published = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    public void Published(long outboxId) => _published.Writer.TryWrite(outboxId);

    internal ChannelReader<long> Reader => _published.Reader;
}

/// <summary>Deletes published outbox rows in batches, as they come. Runs on every node that publishes.</summary>
internal sealed partial class OutboxCompletionWriter(OutboxCompletions completions, IServiceScopeFactory scopes, ILogger<OutboxCompletionWriter> logger)
    : BackgroundService
{
    private const int MaxBatch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<long>(MaxBatch);
        try
        {
            while (await completions.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && completions.Reader.TryRead(out var id)) batch.Add(id);
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
                    await db.Set<OutboxEvent>().Where(e => batch.Contains(e.Id)).ExecuteDeleteAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogNotDeleted(logger, batch.Count, ex.GetType().Name, ex.Message);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published outbox row(s) not deleted; the relay will publish them again: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogNotDeleted(ILogger logger, int count, string exceptionType, string exceptionMessage);
}
