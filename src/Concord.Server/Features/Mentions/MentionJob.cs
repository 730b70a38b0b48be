using System.Globalization;
using System.Text.RegularExpressions;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Queue;
using Concord.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Mentions;

/// <summary>Mentions in a sent channel message.</summary>
public sealed record MentionJob(long MessageId, long ChannelId, long ServerId, long AuthorId, string Content);

/// <summary>
/// Records a mention for each mentioned member of the server (not the author, not outsiders) and tells them.
/// Idempotent: a redelivered job inserts nothing new (the (user, message) key) and repeats the event with the same
/// count, which clients treat as the same mention (same messageId).
/// </summary>
public sealed partial class MentionJobHandler(IServiceScopeFactory scopes, IRealtimeEvents realtime) : IJobHandler
{
    public const string QueueName = "mentions";
    /// <summary>Mentions honoured per message: a message naming hundreds of users notifies none past this.</summary>
    public const int MaxPerMessage = 50;

    [GeneratedRegex(@"<@!?(\d{1,19})>")]
    public static partial Regex Pattern();

    public string Queue => QueueName;

    public static long[] Parse(string content) => Pattern().Matches(content)
        .Select(m => long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
        .Where(id => id > 0).Distinct().Take(MaxPerMessage).ToArray();

    public async Task HandleAsync(JobMessage message, CancellationToken ct)
    {
        var job = message.Read<MentionJob>();
        var mentioned = Parse(job.Content).Where(id => id != job.AuthorId).ToArray();
        if (mentioned.Length == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        var members = await db.Members.Where(m => m.ServerId == job.ServerId && mentioned.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct);
        if (members.Count == 0 || !await db.Messages.AnyAsync(m => m.Id == job.MessageId, ct)) return; // deleted meanwhile

        var already = await db.Mentions.Where(m => m.MessageId == job.MessageId && members.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct);
        db.Mentions.AddRange(members.Except(already).Select(u => new Mention { UserId = u, MessageId = job.MessageId, ChannelId = job.ChannelId, ServerId = job.ServerId }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (db.IsUniqueViolation(e))
        {
            // A concurrent redelivery inserted them first: the rows exist, which is all this needed.
        }
        foreach (var userId in members)
        {
            var count = await db.Mentions.CountAsync(m => m.UserId == userId && m.ChannelId == job.ChannelId, ct);
            await realtime.PublishAsync(Rooms.User(userId), ServerEvents.Mention, new MentionEvent(job.MessageId, job.ChannelId, job.ServerId, job.AuthorId, count));
        }
    }
}
