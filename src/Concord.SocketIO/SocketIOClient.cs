using Concord.SocketIO.EngineIO;
using Concord.SocketIO.Protocol;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO;

/// <summary>
/// One Engine.IO connection seen by Socket.IO: decodes its packets and routes them to the
/// sockets of the namespaces it joined (several share one connection).
/// </summary>
internal sealed class SocketIOClient
{
    private readonly SocketIOServer _server;
    private readonly PacketDecoder _decoder = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private Timer? _connectTimer;

    public SocketIOClient(SocketIOServer server, EngineIOSocket connection)
    {
        _server = server;
        Connection = connection;
        connection.OnMessage(OnMessageAsync);
        connection.OnClose(OnClose);
        _connectTimer = new Timer(static s => ((SocketIOClient)s!).OnConnectTimeout(), this, server.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    public EngineIOSocket Connection { get; }

    public bool Send(EncodedPacket packet) => Connection.Enqueue(packet.Attachments.Length == 0
        ? new OutboundItem(OutboundKind.Text, packet.Text)
        : new OutboundItem(OutboundKind.Packet, packet.Text, packet.Attachments));

    private async ValueTask OnMessageAsync(EngineIOMessage message)
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
        SocketIOSocket? socket;
        lock (_lock) _sockets.TryGetValue(packet.Namespace, out socket);
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
        SocketIOSocket? previous;
        lock (_lock) _sockets.TryGetValue(packet.Namespace, out previous);
        previous?.OnClose(DisconnectReason.ClientNamespaceDisconnect);
        await nsp.ConnectAsync(this, packet.Data);
    }

    public void Register(SocketIOSocket socket)
    {
        lock (_lock) _sockets[socket.Namespace.Name] = socket;
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
    }

    public void Remove(SocketIOSocket socket)
    {
        lock (_lock)
        {
            if (_sockets.TryGetValue(socket.Namespace.Name, out var current) && current == socket)
                _sockets.Remove(socket.Namespace.Name);
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
        lock (_lock)
        {
            if (_sockets.Count > 0) return;
        }
        Connection.Close();
    }

    private void OnClose(string reason)
    {
        Interlocked.Exchange(ref _connectTimer, null)?.Dispose();
        _server.Forget(this);
        CloseSockets(reason);
    }

    private SocketIOSocket[] Snapshot()
    {
        lock (_lock) return [.. _sockets.Values];
    }
}
