using System.Text.Json;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Realtime;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Infrastructure.Outbox;

/// <summary>An event staged in the outbox: published after the commit with <see cref="RealtimeOutbox.PublishAsync"/>.</summary>
public sealed record PendingEvent(long Id, IReadOnlyCollection<string> Rooms, OutgoingEvent Event);

/// <summary>
/// Transactional outbox for real-time events. <see cref="Stage"/> adds the event row to the caller's unit of work, so it
/// commits (or not) with the change; after the commit <see cref="PublishAsync"/> publishes it at once, and the row is deleted.
/// If this node dies in between, or the publish fails (Redis down), the row stays and <see cref="OutboxRelay"/> on any
/// live node publishes it a few seconds later. Delivery is at least once: clients de-duplicate by message id.
/// </summary>
public sealed partial class RealtimeOutbox(ConcordDbContext db, IRealtimeEvents realtime, SnowflakeGenerator ids, OutboxOptions options,
    OutboxCompletions completions, ILogger<RealtimeOutbox> logger)
{
    internal static readonly JsonSerializerOptions Json = IdServiceExtensions.ConfigureJson(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Adds the event row to <see cref="ConcordDbContext"/>; the caller's next SaveChanges writes it, in the caller's transaction.</summary>
    public PendingEvent Stage<TPayload>(IReadOnlyCollection<string> rooms, ServerEvent<TPayload> e, TPayload payload) where TPayload : notnull
    {
        var row = new OutboxEvent
        {
            Id = ids.Next(),
            Rooms = JsonSerializer.Serialize(rooms, Json),
            EventName = e.Name,
            Payload = JsonSerializer.Serialize(payload, payload.GetType(), Json),
        };
        db.Add(row);
        return new PendingEvent(row.Id, rooms, e.With(payload));
    }

    /// <summary>
    /// Publishes a committed event; its row is deleted soon after, in a batch (<see cref="OutboxCompletions"/>). Never throws: the change is committed, so a failure here only
    /// delays the event until the relay sends it.
    /// </summary>
    public async ValueTask PublishAsync(PendingEvent pending)
    {
        if (options.SkipImmediatePublishForTests) return;
        try
        {
            await realtime.PublishAsync(pending.Rooms, pending.Event);
            completions.Published(pending.Id);
        }
        catch (Exception ex)
        {
            LogLeftToRelay(logger, pending.Event.Name, pending.Id, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventName} (outbox {OutboxId}) not published now, left to the relay: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogLeftToRelay(ILogger logger, string eventName, long outboxId, string exceptionType, string exceptionMessage);
}
