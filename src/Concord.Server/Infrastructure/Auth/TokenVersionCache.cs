using System.Collections.Concurrent;
using Concord.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Concord.Server.Infrastructure.Auth;

/// <summary>
/// Each user's current token version (<c>users.token_version</c>), which every access token carries as <c>ver</c>: a token
/// is valid only while its version equals the user's. Revoking all of a user's tokens bumps the version.
/// The check runs on every bearer request and socket handshake, so the versions are cached in-process: a known user
/// costs a dictionary look-up, the database is asked only when the entry is missing, older than
/// <see cref="AuthOptions.TokenVersionCacheTtl"/>, or older than the token being checked. Versions only grow (a deleted
/// user is <see cref="Deleted"/>), so the cache keeps the highest version it has seen and a slow database read can
/// never bring back a revoked one. <see cref="TokenRevocationChannel"/> brings other nodes' revocations in.
/// </summary>
public sealed class TokenVersionCache(IServiceScopeFactory scopes, AuthOptions options, TimeProvider time)
{
    /// <summary>The version of a user that no longer exists: no token matches it.</summary>
    public const int Deleted = int.MaxValue;
    private const int SweepAbove = 100_000;

    private readonly record struct Entry(int Version, long SeenAt);
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private long _loads;

    /// <summary>How many checks had to ask the database (tests prove a warm check asks nothing).</summary>
    internal long DatabaseLoads => Interlocked.Read(ref _loads);

    public async ValueTask<bool> IsCurrentAsync(long userId, int version, CancellationToken ct = default)
    {
        if (_entries.TryGetValue(userId, out var entry) && time.GetElapsedTime(entry.SeenAt) < options.TokenVersionCacheTtl)
        {
            if (version == entry.Version) return true;
            if (version < entry.Version) return false;
            // A token newer than our entry: the version moved on another node and its message has not arrived yet.
        }
        return version == Observe(userId, await LoadAsync(userId, ct));
    }

    /// <summary>Records a version learnt from this node's own write or another node's message; returns the version now held.</summary>
    public int Observe(long userId, int version)
    {
        var now = time.GetTimestamp();
        if (_entries.Count > SweepAbove) Sweep();
        return _entries.AddOrUpdate(userId, static (_, v) => new Entry(v.version, v.now),
            static (_, old, v) => new Entry(Math.Max(old.Version, v.version), v.now), (version, now)).Version;
    }

    /// <summary>Forgets everything: after a lost Redis connection, whose revocation messages may have been missed.</summary>
    public void Clear() => _entries.Clear();

    private async Task<int> LoadAsync(long userId, CancellationToken ct)
    {
        Interlocked.Increment(ref _loads);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        var versions = await db.Users.Where(u => u.Id == userId).Select(u => (int?)u.TokenVersion).ToListAsync(ct);
        return versions is [{ } version] ? version : Deleted;
    }

    private void Sweep()
    {
        foreach (var (userId, entry) in _entries)
            if (time.GetElapsedTime(entry.SeenAt) >= options.TokenVersionCacheTtl) _entries.TryRemove(userId, out _);
    }
}
