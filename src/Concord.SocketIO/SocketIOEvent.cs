namespace Concord.SocketIO;

/// <summary>An event received from a client, with the means to answer its acknowledgement.</summary>
public sealed class SocketIOEvent
{
    private readonly long? _ackId;
    private int _acked;

    internal SocketIOEvent(SocketIOSocket socket, string name, SocketIOArgs args, long? ackId)
    {
        Socket = socket;
        Name = name;
        Args = args;
        _ackId = ackId;
    }

    /// <summary>The socket that sent the event.</summary>
    public SocketIOSocket Socket { get; }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>The arguments after the name.</summary>
    public SocketIOArgs Args { get; }

    /// <summary>Whether the client passed an acknowledgement callback.</summary>
    public bool WantsAck => _ackId is not null;

    /// <summary>Answers the client's acknowledgement callback; only the first call is sent. False when no ack was asked or it was already sent.</summary>
    public bool Ack(params object?[] args)
    {
        if (_ackId is not { } id || Interlocked.Exchange(ref _acked, 1) == 1) return false;
        return Socket.SendAck(id, args);
    }
}
