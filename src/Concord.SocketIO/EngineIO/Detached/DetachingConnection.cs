using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Concord.SocketIO.EngineIO.Detached;

/// <summary>
/// The connection as handed to Kestrel's HTTP layer (and any connection middleware registered after ours): the real
/// connection behind a <see cref="GuardedTransport"/>, with a <see cref="DetachSlot"/> among its features. Everything the
/// HTTP layer registers on the connection goes through here, so that once it is done nothing of it stays reachable
/// from the connection: its heartbeat handler (which holds the HTTP/1.1 connection, its headers and timeout control)
/// is dropped, and the features it set live only in this wrapper's own layer.
/// </summary>
internal sealed class DetachingConnection : ConnectionContext
{
    private readonly ConnectionContext _inner;
    private readonly GuardedTransport _guarded;
    private readonly FeatureCollection _features;
    private readonly HeartbeatRelay? _heartbeat;
    private IDuplexPipe _transport;

    public DetachingConnection(ConnectionContext inner, bool allowed)
    {
        _inner = inner;
        _guarded = new GuardedTransport(inner.Transport);
        _transport = _guarded;
        _features = new FeatureCollection(inner.Features);
        Slot = new DetachSlot(this, allowed);
        _features.Set(Slot);
        if (inner.Features.Get<IConnectionHeartbeatFeature>() is { } heartbeat)
        {
            _heartbeat = new HeartbeatRelay(heartbeat);
            _features.Set<IConnectionHeartbeatFeature>(_heartbeat);
        }
    }

    public DetachSlot Slot { get; }

    /// <summary>
    /// True while the HTTP layer reads and writes the plain connection through the guard. A middleware in between
    /// that replaced the transport (TLS registered after this one) means the bytes the session would need are not
    /// the connection's: such a connection is never detached.
    /// </summary>
    public bool CanDetach => ReferenceEquals(_transport, _guarded);

    public GuardedTransport Guarded => _guarded;

    public override IDuplexPipe Transport
    {
        get => _transport;
        set => _transport = value;
    }

    public override string ConnectionId
    {
        get => _inner.ConnectionId;
        set => _inner.ConnectionId = value;
    }

    public override IFeatureCollection Features => _features;

    public override IDictionary<object, object?> Items
    {
        get => _inner.Items;
        set => _inner.Items = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _inner.ConnectionClosed;
        set => _inner.ConnectionClosed = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _inner.LocalEndPoint;
        set => _inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _inner.RemoteEndPoint;
        set => _inner.RemoteEndPoint = value;
    }

    // Once a session claimed the connection it owns it: the HTTP layer ending (or its drain timeout) must not abort it.
    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (!_guarded.Claimed) _inner.Abort(abortReason);
    }

    public override void Abort()
    {
        if (!_guarded.Claimed) _inner.Abort();
    }

    // Kestrel disposes the real connection after the whole middleware chain; the HTTP layer never disposes it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Called once the HTTP layer returned: lets go of what it registered on the real connection.</summary>
    public void EndHttp() => _heartbeat?.Clear();

    /// <summary>
    /// Forwards Kestrel's once-a-second connection heartbeat to the HTTP layer's handler until it is done. The relay
    /// itself stays registered (Kestrel has no way to unregister), but holds nothing once cleared.
    /// </summary>
    private sealed class HeartbeatRelay(IConnectionHeartbeatFeature inner) : IConnectionHeartbeatFeature
    {
        private (Action<object> Action, object State)[] _handlers = [];
        private int _registered;

        public void OnHeartbeat(Action<object> action, object state)
        {
            while (true)
            {
                var current = Volatile.Read(ref _handlers);
                if (Interlocked.CompareExchange(ref _handlers, [.. current, (action, state)], current) == current) break;
            }
            if (Interlocked.Exchange(ref _registered, 1) == 0) inner.OnHeartbeat(static relay => ((HeartbeatRelay)relay).Fire(), this);
        }

        public void Clear() => Volatile.Write(ref _handlers, []);

        private void Fire()
        {
            foreach (var (action, state) in Volatile.Read(ref _handlers)) action(state);
        }
    }
}
