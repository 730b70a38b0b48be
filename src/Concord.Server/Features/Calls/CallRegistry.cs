using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Features.Calls;

/// <summary>
/// Who is in each call, the one truth for capacity: a join is checked and recorded in one atomic step, so two sockets
/// racing for a call's last place cannot both get it. Redis when configured (every node sees the same calls), else in
/// process. Signals do not read it: they go to the target's call room, which only exists on the target's node.
/// </summary>
public interface ICallRegistry
{
    /// <summary>
    /// Records <paramref name="socketId"/> in <paramref name="call"/> unless it already holds <paramref name="capacity"/> other
    /// sockets. Returns the others in the call (joined), or null when it is full. Joining again is harmless.
    /// </summary>
    Task<IReadOnlyList<CallParticipant>?> TryJoinAsync(string call, string socketId, long userId, int capacity, CancellationToken ct);

    /// <summary>Removes the socket from the call (nothing when it is not in it).</summary>
    Task LeaveAsync(string call, string socketId);

    /// <summary>Everyone in the call now.</summary>
    Task<IReadOnlyList<CallParticipant>> ParticipantsAsync(string call, CancellationToken ct);
}

/// <summary>One node's calls, in memory: a lock per registry is enough (joins are rare next to messages).</summary>
internal sealed class InMemoryCallRegistry : ICallRegistry
{
    private readonly Lock _lock = new();
    // Per call, in joining order (the participants list reads as who came first).
    private readonly Dictionary<string, List<CallParticipant>> _calls = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<CallParticipant>?> TryJoinAsync(string call, string socketId, long userId, int capacity, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_calls.TryGetValue(call, out var members)) _calls[call] = members = [];
            var others = members.Where(m => m.SocketId != socketId).ToList();
            if (others.Count == members.Count)
            {
                if (others.Count >= capacity) return Task.FromResult<IReadOnlyList<CallParticipant>?>(null);
                members.Add(new CallParticipant(userId, socketId));
            }
            return Task.FromResult<IReadOnlyList<CallParticipant>?>(others);
        }
    }

    public Task LeaveAsync(string call, string socketId)
    {
        lock (_lock)
        {
            if (_calls.TryGetValue(call, out var members) && members.RemoveAll(m => m.SocketId == socketId) > 0 && members.Count == 0)
                _calls.Remove(call);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CallParticipant>> ParticipantsAsync(string call, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<CallParticipant>>(_calls.TryGetValue(call, out var members) ? [.. members] : []);
    }
}
