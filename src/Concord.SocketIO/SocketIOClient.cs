using Concord.SocketIO.EngineIO;
using Concord.SocketIO.Protocol;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO;

/// <summary>
/// One Engine.IO connection seen by Socket.IO: decodes its packets and routes them to the
/// sockets of the namespaces it joined (several share one connection).
/// </summary>
/// <remarks>
/// Sized for the common case of one namespace per connection, since one exists per connection: the first
/// namespace's socket sits in a field, a dictionary is made only for a second. State is guarded by a
/// monitor on this object (internal and sealed, so nothing else locks it) rather than a <see cref="Lock"/>
/// object per connection.
/// </remarks>
internal sealed class SocketIOClient : IEngineIOSessionHandler
{
    private readonly SocketIOServer _server;
    private readonly PacketDecoder _decoder = new();
    private SocketIOSocket? _first;
    private Dictionary<string, SocketIOSocket>? _more;
    private Timer? _connectTimer;

    public SocketIOClient(SocketIOServer server, EngineIOSocket connection)
    {
        _server = server;
        Connection = connection;
        connection.SetHandler(this);
        _connectTimer = new Timer(static s => ((SocketIOClient)s!).OnConnectTimeout(), this, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public EngineIOSocket Connection { get; }

    public bool Send(EncodedPacket packet) => Connection.Enqueue(packet.Attachments.Length == 0
        ? new OutboundItem(OutboundKind.Text, packet.Text)
        : new OutboundItem(OutboundKind.Packet, packet.Text, packet.Attachments));

    async ValueTask IEngineIOSessionHandler.OnMessageAsync(EngineIOMessage message)
    {
        IncomingPacket? packet;
        try { packet = _decoder.Add(message); }
        catch (ProtocolException ex)
        {
            _server.Logger.LogDebug("Closing {Sid}: {Reason}", Connection.Id, ex.Message);
            Connection.CloseNow(DisconnectReason.ParseError);
            return;
        }
        if (packet is null) return;

        if (packet.Type == PacketType.Connect)
        {
            await ConnectAsync(packet);
            return;
        }
        var socket = Find(packet.Namespace);
        if (socket is null) packet.Release();
        else socket.OnPacket(packet);
    }

    private async Task ConnectAsync(IncomingPacket packet)
    {
        if (!_server.TryGetNamespace(packet.Namespace, out var nsp))
        {
            Send(PacketEncoder.ConnectError(packet.Namespace, "Invalid namespace", null, _server.Json));
            return;
        }
        Find(packet.Namespace)?.OnClose(DisconnectReason.ClientNamespaceDisconnect);
        await nsp.ConnectAsync(this, packet.Data);
    }

    public void Register(SocketIOSocket socket)
    {
        var name = socket.Namespace.Name;
        lock (this)
        {
            if (_first is null || _first.Namespace.Name == name) _first = socket;
            else (_more ??= new(StringComparer.Ordinal))[name] = socket;
        }
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
    }

    public void Remove(SocketIOSocket socket)
    {
        lock (this)
        {
            if (_first == socket)
            {
                // The next namespace's socket, if any, moves into the field.
                _first = null;
                if (_more is { Count: > 0 })
                {
                    var (name, next) = _more.First();
                    _more.Remove(name);
                    _first = next;
                }
            }
            else if (_more is not null && _more.TryGetValue(socket.Namespace.Name, out var current) && current == socket)
                _more.Remove(socket.Namespace.Name);
        }
    }

    private SocketIOSocket? Find(string nsp)
    {
        lock (this)
        {
            if (_first is { } first && first.Namespace.Name == nsp) return first;
            return _more is not null && _more.TryGetValue(nsp, out var socket) ? socket : null;
        }
    }

    /// <summary>Disconnects every namespace, then closes the connection once the DISCONNECT packets are flushed.</summary>
    public void DisconnectAll()
    {
        foreach (var socket in Snapshot()) socket.Disconnect();
        Connection.Close();
    }

    /// <summary>Tells every socket the connection is gone, e.g. "server shutting down".</summary>
    public void CloseSockets(string reason)
    {
        foreach (var socket in Snapshot()) socket.OnClose(reason);
    }

    private void OnConnectTimeout()
    {
        lock (this)
        {
            if (_first is not null) return;
        }
        Connection.Close();
    }

    void IEngineIOSessionHandler.OnClose(string reason)
    {
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
        _server.Forget(this);
        CloseSockets(reason);
    }

    private SocketIOSocket[] Snapshot()
    {
        lock (this)
        {
            if (_first is null) return [];
            return _more is null ? [_first] : [_first, .. _more.Values];
        }
    }
}
