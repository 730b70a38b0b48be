namespace Concord.SocketIO.Protocol;

/// <summary>A packet that breaks the protocol; the connection that sent it is closed with "parse error".</summary>
internal sealed class ProtocolException(string message) : Exception(message);
