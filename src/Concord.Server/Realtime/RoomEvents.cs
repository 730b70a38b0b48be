using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Permissions;
using Concord.SocketIO;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Realtime;

public sealed record ChannelRef(long ChannelId);
public sealed record ConversationRef(long ConversationId);

/// <summary>join-servers, join-channel, leave-channel, join-conversation, leave-conversation: members and participants only.</summary>
internal sealed class RoomEvents(IServiceScopeFactory scopes)
{
    public void Register(SocketIOSocket socket, SocketUser user)
    {
        socket.OnEvent(user, "join-servers", e => JoinServers(e, user));
        socket.OnEvent(user, "join-channel", e => JoinChannel(e, user));
        socket.OnEvent(user, "leave-channel", e => Leave(e, e.Payload<ChannelRef>() is { } p ? Rooms.Channel(p.ChannelId) : null));
        socket.OnEvent(user, "join-conversation", e => JoinConversation(e, user));
        socket.OnEvent(user, "leave-conversation", e => Leave(e, e.Payload<ConversationRef>() is { } p ? Rooms.Conversation(p.ConversationId) : null));
    }

    private async Task JoinServers(SocketIOEvent e, SocketUser user)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        var serverIds = await db.Members.Where(m => m.UserId == user.UserId).Select(m => m.ServerId).ToListAsync();
        e.Socket.Join(serverIds.Select(Rooms.Server));
        e.Ack(new { ok = true, serverIds });
    }

    private async Task JoinChannel(SocketIOEvent e, SocketUser user)
    {
        if (!e.TryPayload<ChannelRef>(out var p, out var bad)) { e.Ack(Ack.Error(bad)); return; }
        await using var scope = scopes.CreateAsyncScope();
        var (channel, _, error) = await scope.ServiceProvider.GetRequiredService<ServerAccess>().ChannelAsync(user.UserId, p.ChannelId, ServerAction.View);
        if (error is not null) { e.Ack(Ack.Error(error)); return; }
        e.Socket.Join(Rooms.Channel(channel!.Id));
        e.Ack(new { ok = true, channelId = channel.Id, serverId = channel.ServerId });
    }

    private async Task JoinConversation(SocketIOEvent e, SocketUser user)
    {
        if (!e.TryPayload<ConversationRef>(out var p, out var bad)) { e.Ack(Ack.Error(bad)); return; }
        if (!await IsParticipantAsync(user.UserId, p.ConversationId)) { e.Ack(Ack.Error(ApiError.NotFound("Conversation"))); return; }
        e.Socket.Join(Rooms.Conversation(p.ConversationId));
        e.Ack(new { ok = true, conversationId = p.ConversationId });
    }

    private static Task Leave(SocketIOEvent e, string? room)
    {
        if (room is null) { e.Ack(Ack.Error(Ack.BadPayload)); return Task.CompletedTask; }
        e.Socket.Leave(room);
        e.Ack(Ack.Ok());
        return Task.CompletedTask;
    }

    /// <summary>Everyone in the conversation (at most 10).</summary>
    public async Task<List<long>> ParticipantsAsync(long conversationId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        return await db.ConversationParticipants.Where(p => p.ConversationId == conversationId).Select(p => p.UserId).ToListAsync();
    }

    public async Task<bool> IsParticipantAsync(long userId, long conversationId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        return await db.ConversationParticipants.AnyAsync(p => p.ConversationId == conversationId && p.UserId == userId);
    }
}
