namespace Concord.SocketIO.Protocol;

/// <summary>Socket.IO protocol v5 packet types.</summary>
public enum PacketType : byte
{
    /// <summary>Namespace connect (client) or its acceptance (server).</summary>
    Connect = 0,
    /// <summary>Namespace disconnect, either direction.</summary>
    Disconnect = 1,
    /// <summary>An event with JSON arguments.</summary>
    Event = 2,
    /// <summary>An acknowledgement with JSON arguments.</summary>
    Ack = 3,
    /// <summary>Namespace connection refused.</summary>
    ConnectError = 4,
    /// <summary>An event followed by binary attachments.</summary>
    BinaryEvent = 5,
    /// <summary>An acknowledgement followed by binary attachments.</summary>
    BinaryAck = 6,
}
