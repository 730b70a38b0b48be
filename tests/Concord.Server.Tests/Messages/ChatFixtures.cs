using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Concord.Server.Features.Channels;
using Concord.Server.Features.Members;
using Concord.Server.Features.Messages;
using Concord.Server.Features.Servers;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Messages;

/// <summary>A server with an owner, an admin, a plain member, a text and a voice channel, and an outsider.</summary>
public sealed record Chat(long ServerId, long ChannelId, long VoiceChannelId, TestUser Owner, TestUser Admin, TestUser Member, TestUser Outsider)
{
    public string Messages => $"/api/channels/{ChannelId}/messages";
}

/// <summary>
/// Builds servers by writing rows straight through the DbContext, so these tests do not depend on the
/// server endpoints; users are real (registered through the API) so they hold real sessions.
/// </summary>
public static class ChatFixtures
{
    public static async Task<Chat> CreateChatAsync(this ConcordApp app)
    {
        var owner = await app.NewUser().RegisterAsync();
        var admin = await app.NewUser().RegisterAsync();
        var member = await app.NewUser().RegisterAsync();
        var outsider = await app.NewUser().RegisterAsync();
        var ids = app.Services.GetRequiredService<SnowflakeGenerator>();
        var now = DateTimeOffset.UtcNow;
        var (serverId, textId, voiceId) = (ids.Next(), ids.Next(), ids.Next());
        await app.WithDbAsync(async db =>
        {
            db.Servers.Add(new ChatServer { Id = serverId, Name = "Test server", OwnerId = owner.UserId(), InviteCode = Guid.NewGuid().ToString("N")[..12], CreatedAt = now });
            db.Channels.Add(new Channel { Id = textId, ServerId = serverId, Name = "general", Type = ChannelType.Text, Position = 0, CreatedAt = now });
            db.Channels.Add(new Channel { Id = voiceId, ServerId = serverId, Name = "voice", Type = ChannelType.Voice, Position = 1, CreatedAt = now });
            db.Members.Add(new Member { ServerId = serverId, UserId = owner.UserId(), Role = MemberRole.Owner, JoinedAt = now });
            db.Members.Add(new Member { ServerId = serverId, UserId = admin.UserId(), Role = MemberRole.Admin, JoinedAt = now });
            db.Members.Add(new Member { ServerId = serverId, UserId = member.UserId(), Role = MemberRole.Member, JoinedAt = now });
            await db.SaveChangesAsync();
        });
        return new Chat(serverId, textId, voiceId, owner, admin, member, outsider);
    }

    /// <summary>Inserts <paramref name="count"/> messages by <paramref name="author"/> directly; returns their ids, oldest first.</summary>
    public static async Task<List<long>> SeedMessagesAsync(this ConcordApp app, long channelId, TestUser author, int count)
    {
        var ids = app.Services.GetRequiredService<SnowflakeGenerator>();
        var made = Enumerable.Range(0, count).Select(i => new Message
        {
            Id = ids.Next(), ChannelId = channelId, AuthorId = author.UserId(), Content = $"seed {i}", CreatedAt = DateTimeOffset.UtcNow,
        }).ToList();
        await app.WithDbAsync(async db =>
        {
            db.Messages.AddRange(made);
            await db.SaveChangesAsync();
        });
        return made.Select(m => m.Id).ToList();
    }

    public static async Task WithDbAsync(this ConcordApp app, Func<ConcordDbContext, Task> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<ConcordDbContext>());
    }

    public static async Task<T> WithDbAsync<T>(this ConcordApp app, Func<ConcordDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ConcordDbContext>());
    }

    public static long UserId(this TestUser user) => long.Parse(user.Id, CultureInfo.InvariantCulture);

    public static long Id(this JsonElement element) => long.Parse(element.GetProperty("id").GetString()!, CultureInfo.InvariantCulture);

    /// <summary>Ids of a page, in the order the server returned them.</summary>
    public static async Task<List<long>> PageIdsAsync(this TestUser user, string url)
    {
        var response = await user.GetAsync(url);
        await response.AssertStatusAsync(System.Net.HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(Id).ToList();
    }
}
