using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Realtime;

/// <summary>
/// How REST handlers and services tell connected clients what changed. Call only after the database commit.
/// </summary>
public interface IRealtimeEvents
{
    /// <summary>
    /// Emits a catalogue event (serialized once) to every socket in any of <paramref name="rooms"/>: a socket in several of
    /// them gets it once. Callers write <c>realtime.PublishAsync(room, ServerEvents.X, payload)</c> (<see cref="TypedEmits"/>).
    /// </summary>
    ValueTask PublishAsync(IReadOnlyCollection<string> rooms, OutgoingEvent e);

    /// <summary>Makes every socket of <paramref name="userId"/>, on every node, join <paramref name="rooms"/> (a server just created or joined).</summary>
    ValueTask JoinRoomsAsync(long userId, IReadOnlyCollection<string> rooms);

    /// <summary>
    /// Makes every socket of <paramref name="userId"/>, on every node, leave <paramref name="rooms"/> (kick, ban, leave). A socket
    /// pulled out of a call this way is announced as if it had left it (<c>user-left-call</c>, <c>voice-state-update</c>).
    /// </summary>
    ValueTask LeaveRoomsAsync(long userId, IReadOnlyCollection<string> rooms);

    /// <summary>Disconnects every socket of <paramref name="userId"/>, on every node (its tokens and sessions were revoked).</summary>
    ValueTask DisconnectUserAsync(long userId);

    /// <summary>Empties a room on every node (server or channel deleted).</summary>
    ValueTask CloseRoomAsync(string room);

    /// <summary>The user's message in <paramref name="room"/> ends their typing indicator there (call after publishing it).</summary>
    void EndTyping(long userId, string room);
}

/// <summary>Room names in one place: the gateway and the publishers must agree on them.</summary>
public static class Rooms
{
    public static string User(long id) => $"user:{id}";
    public static string Server(long id) => $"server:{id}";
    public static string Channel(long id) => $"channel:{id}";
    public static string Conversation(long id) => $"conversation:{id}";

    /// <summary>
    /// Who hears of a conversation: its room (sockets that joined it) and every participant's user room, so each of a
    /// participant's sockets gets its direct messages without joining first, as on Discord.
    /// </summary>
    public static string[] ConversationAudience(long id, IEnumerable<long> participantIds) => [Conversation(id), .. participantIds.Select(User)];
    /// <summary>The call of a voice channel.</summary>
    public static string ChannelCall(long channelId) => $"call:channel:{channelId}";
    /// <summary>The call of a direct-message conversation.</summary>
    public static string ConversationCall(long conversationId) => $"call:conversation:{conversationId}";

    /// <summary>
    /// One socket's place in one call: signals for it go here, so they reach it only while it is in that call (the
    /// node holding the socket delivers, or drops, them).
    /// </summary>
    public static string CallPeer(string callRoom, string socketId) => $"{callRoom}#{socketId}";

    public static bool IsCall(string room) => room.StartsWith("call:", StringComparison.Ordinal);
}
