namespace Concord.SocketIO;

/// <summary>
/// Thrown by a namespace middleware to refuse a connection; the client receives
/// <c>connect_error</c> with this message and <see cref="Payload"/> as <c>err.data</c>.
/// </summary>
public sealed class ConnectionRejectedException(string message, object? payload = null) : Exception(message)
{
    /// <summary>Extra details sent to the client as <c>data</c> (serialized as JSON).</summary>
    public object? Payload { get; } = payload;
}
