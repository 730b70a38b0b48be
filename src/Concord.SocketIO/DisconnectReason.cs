namespace Concord.SocketIO;

/// <summary>The disconnect reasons, spelled as the JS server spells them.</summary>
public static class DisconnectReason
{
    /// <summary>The connection was closed (the user left, or the network dropped).</summary>
    public const string TransportClose = "transport close";
    /// <summary>The connection failed (or the client read too slowly and was dropped).</summary>
    public const string TransportError = "transport error";
    /// <summary>The client did not answer a ping in time.</summary>
    public const string PingTimeout = "ping timeout";
    /// <summary>The client sent a packet that breaks the protocol.</summary>
    public const string ParseError = "parse error";
    /// <summary>The connection was closed by the server.</summary>
    public const string ForcedClose = "forced close";
    /// <summary>The socket was disconnected with <c>Disconnect()</c> on the server.</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";
    /// <summary>The client disconnected the socket.</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";
    /// <summary>The server is stopping.</summary>
    public const string ServerShuttingDown = "server shutting down";
}
