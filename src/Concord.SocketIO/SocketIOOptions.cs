using System.Text.Json;
using Concord.SocketIO.Adapters;
using Concord.SocketIO.EngineIO;

namespace Concord.SocketIO;

/// <summary>Socket.IO server options; defaults match the JS <c>socket.io</c> server.</summary>
public sealed class SocketIOOptions : EngineIOOptions
{
    /// <summary>A connection that joins no namespace within this time is closed. Default 45 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(45_000);

    /// <summary>How event arguments are serialized and <see cref="SocketIOArgs.Get{T}"/> deserializes. Default: web defaults (camelCase).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Creates the adapter of each namespace. Default: <see cref="InMemoryAdapter"/>.</summary>
    public Func<SocketIONamespace, IServiceProvider, SocketIOAdapter> AdapterFactory { get; set; } =
        static (nsp, _) => new InMemoryAdapter(nsp);

    /// <summary>
    /// Connection-state recovery; null (the default, as in the JS server) turns it off. When set,
    /// CONNECT answers carry a private session id and every broadcast carries an offset as its last argument.
    /// </summary>
    public ConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>
    /// Whether <see cref="SocketIOHandshake.Auth"/> stays readable for the socket's life (the default, as in the JS server).
    /// Off, it is an empty object once the namespace's middleware accepted the connection: an application that reads the
    /// auth payload only in a middleware (a token checked at the handshake) then does not keep it — its JSON, a few
    /// hundred bytes with a JWT — for every idle connection.
    /// </summary>
    public bool KeepHandshakeAuth { get; set; } = true;

    internal new IEnumerable<string> Validate()
    {
        foreach (var error in base.Validate()) yield return error;
        if (ConnectTimeout <= TimeSpan.Zero) yield return "ConnectTimeout must be positive.";
        if (ConnectionStateRecovery is { } recovery)
        {
            if (recovery.MaxDisconnectionDuration <= TimeSpan.Zero) yield return "ConnectionStateRecovery.MaxDisconnectionDuration must be positive.";
            if (recovery.MaxRetainedPackets <= 0) yield return "ConnectionStateRecovery.MaxRetainedPackets must be positive.";
        }
    }
}
