namespace Concord.SocketIO.Adapters;

/// <summary>
/// Keeps one namespace's rooms and carries broadcasts, as socket.io-adapter does. Room
/// membership is local state (synchronous); fan-out and bulk operations are asynchronous so
/// that a multi-node adapter (e.g. Redis pub/sub) can forward them to the other nodes:
/// derive from <see cref="InMemoryAdapter"/>, override the <c>*Async</c> methods to publish unless
/// <see cref="BroadcastOptions.Local"/> is set, and call the base for this node's sockets.
/// </summary>
public abstract class SocketIOAdapter(SocketIONamespace nsp)
{
    /// <summary>The namespace served.</summary>
    public SocketIONamespace Namespace { get; } = nsp;

    /// <summary>Adds a local socket to rooms.</summary>
    public abstract void AddAll(string socketId, IEnumerable<string> rooms);

    /// <summary>Removes a local socket from a room.</summary>
    public abstract void Del(string socketId, string room);

    /// <summary>Removes a local socket from every room.</summary>
    public abstract void DelAll(string socketId);

    /// <summary>The rooms of a local socket (empty when unknown).</summary>
    public abstract IReadOnlySet<string> SocketRooms(string socketId);

    /// <summary>Sends an event to the targeted sockets, encoding it once.</summary>
    public abstract Task BroadcastAsync(BroadcastPacket packet, BroadcastOptions options);

    /// <summary>Makes the targeted sockets join rooms.</summary>
    public abstract Task AddSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Makes the targeted sockets leave rooms.</summary>
    public abstract Task DelSocketsAsync(BroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Disconnects the targeted sockets; <paramref name="close"/> also closes their connections.</summary>
    public abstract Task DisconnectSocketsAsync(BroadcastOptions options, bool close);

    /// <summary>Snapshots of the targeted sockets, on every node the adapter reaches.</summary>
    public abstract Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync(BroadcastOptions options);

    /// <summary>
    /// Connection-state recovery hook: called when a socket drops for a recoverable reason.
    /// A session-aware adapter stores the session for <c>MaxDisconnectionDuration</c>.
    /// </summary>
    public virtual Task PersistSessionAsync(SessionSnapshot session) => Task.CompletedTask;

    /// <summary>
    /// Connection-state recovery hook: called when a socket that could have been recovered leaves on purpose
    /// (a client or server namespace disconnect). An adapter that keeps sessions current while sockets are
    /// connected (so they survive a crash of their node) removes the session here.
    /// </summary>
    public virtual Task DiscardSessionAsync(SessionSnapshot session) => Task.CompletedTask;

    /// <summary>
    /// Connection-state recovery hook: takes (once) the session of private id <paramref name="pid"/>,
    /// or returns null when it is unknown, expired, or <paramref name="offset"/> is no longer retained.
    /// </summary>
    public virtual Task<SessionSnapshot?> RestoreSessionAsync(string pid, string offset) => Task.FromResult<SessionSnapshot?>(null);

    /// <summary>
    /// Connection-state recovery hook: the packets broadcast after <paramref name="offset"/> that
    /// target <paramref name="session"/>'s rooms, oldest first. Called once the recovered socket
    /// is back in its rooms, so a packet is either here or delivered live (duplicates are dropped by offset).
    /// </summary>
    public virtual Task<IReadOnlyList<MissedPacket>> MissedPacketsAsync(SessionSnapshot session, string offset) =>
        Task.FromResult<IReadOnlyList<MissedPacket>>([]);

    /// <summary>Whether a broadcast sent with <paramref name="options"/> targets a socket in <paramref name="rooms"/> (as socket.io-adapter decides for recovery).</summary>
    public static bool Targets(BroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        var included = options.Rooms.Count == 0 || rooms.Any(options.Rooms.Contains);
        return included && !rooms.Any(options.Except.Contains);
    }

    /// <summary>Releases resources when the server shuts down.</summary>
    public virtual void Close() { }
}
