using System.Collections.Concurrent;

namespace Concord.Server.Infrastructure.Sessions;

/// <summary>Single-node store for `dotnet run` with nothing configured. Lost on restart.</summary>
internal sealed class InMemorySessionStore(SessionStoreOptions options, TimeProvider time) : ISessionStore
{
    private sealed record Entry(SessionRecord Record, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, Entry> _sessions = new();
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> _byUser = new();

    public Task<(string SessionId, SessionRecord Record)> CreateAsync(long userId)
    {
        var id = SessionIds.New();
        var record = new SessionRecord(userId, SessionIds.New(), time.GetUtcNow());
        var key = SessionIds.Hash(id);
        _sessions[key] = new Entry(record, time.GetUtcNow() + options.SlidingExpiration);
        _byUser.GetOrAdd(userId, _ => new()).TryAdd(key, 0);
        return Task.FromResult((id, record));
    }

    public Task<SessionRecord?> GetAsync(string sessionId)
    {
        var key = SessionIds.Hash(sessionId);
        if (!_sessions.TryGetValue(key, out var entry)) return Task.FromResult<SessionRecord?>(null);
        var now = time.GetUtcNow();
        if (entry.ExpiresAt <= now)
        {
            Remove(key, entry.Record.UserId);
            return Task.FromResult<SessionRecord?>(null);
        }
        _sessions.TryUpdate(key, entry with { ExpiresAt = now + options.SlidingExpiration }, entry);
        return Task.FromResult<SessionRecord?>(entry.Record);
    }

    public Task DeleteAsync(string sessionId)
    {
        var key = SessionIds.Hash(sessionId);
        if (_sessions.TryGetValue(key, out var entry)) Remove(key, entry.Record.UserId);
        return Task.CompletedTask;
    }

    public Task DeleteAllForUserAsync(long userId)
    {
        if (_byUser.TryRemove(userId, out var keys))
            foreach (var key in keys.Keys) _sessions.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private void Remove(string key, long userId)
    {
        _sessions.TryRemove(key, out _);
        if (_byUser.TryGetValue(userId, out var keys)) keys.TryRemove(key, out _);
    }
}
