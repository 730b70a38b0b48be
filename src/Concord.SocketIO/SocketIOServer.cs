using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Concord.SocketIO.EngineIO;
using Concord.SocketIO.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Concord.SocketIO;

/// <summary>
/// The Socket.IO server (the JS <c>io</c>), a singleton from DI. Namespaces are created with
/// <see cref="Of(string)"/>; the default namespace's operations are exposed here directly.
/// </summary>
public sealed class SocketIOServer
{
    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketIOClient, byte> _clients = new();
    private readonly List<(Func<string, bool> Matches, Action<SocketIONamespace> Configure)> _dynamic = [];
    private readonly Lock _dynamicLock = new();
    private readonly IServiceProvider _services;

    /// <summary>Created by DI; see <c>AddSocketIO</c>.</summary>
    public SocketIOServer(IOptions<SocketIOOptions> options, ILoggerFactory loggerFactory, IServiceProvider services)
    {
        Options = options.Value;
        Options.ThrowIfInvalid();
        _services = services;
        Logger = loggerFactory.CreateLogger<SocketIOServer>();
        Json = BinaryPlaceholderConverters.AddTo(Options.JsonSerializerOptions);
        Engine = new EngineIOServer(Options, OnEngineConnection, loggerFactory.CreateLogger<EngineIOServer>());
    }

    /// <summary>The options in force.</summary>
    public SocketIOOptions Options { get; }

    /// <summary>The Engine.IO server underneath.</summary>
    public EngineIOServer Engine { get; }

    /// <summary>Clients dropped because their outbound queue filled up (too slow to read).</summary>
    public long SlowClientDisconnects => Engine.Metrics.SlowClientDisconnects;

    /// <summary>The default namespace "/".</summary>
    public SocketIONamespace Sockets => Of("/");

    internal ILogger Logger { get; }
    internal JsonSerializerOptions Json { get; }

    /// <summary>Returns the namespace <paramref name="name"/>, creating it on first use.</summary>
    public SocketIONamespace Of(string name)
    {
        if (!name.StartsWith('/')) name = "/" + name;
        if (_namespaces.TryGetValue(name, out var existing)) return existing;
        // GetOrAdd alone may run the factory twice under contention; a second adapter would
        // subscribe to Redis and answer requests twice, so creation is serialized.
        lock (_dynamicLock) return _namespaces.GetOrAdd(name, static (n, server) => new SocketIONamespace(server, n, server._services), this);
    }

    /// <summary>
    /// Accepts connections to namespaces not created in advance whose name matches
    /// <paramref name="predicate"/>; <paramref name="configure"/> sets up each one (middleware, handlers) when first used.
    /// </summary>
    public void OfDynamic(Func<string, bool> predicate, Action<SocketIONamespace> configure)
    {
        lock (_dynamicLock) _dynamic.Add((predicate, configure));
    }

    /// <summary>Targets sockets of the default namespace in <paramref name="rooms"/>.</summary>
    public BroadcastOperator To(params IEnumerable<string> rooms) => Sockets.To(rooms);

    /// <summary>Same as <see cref="To"/>.</summary>
    public BroadcastOperator In(params IEnumerable<string> rooms) => Sockets.In(rooms);

    /// <summary>Targets sockets of the default namespace except those in <paramref name="rooms"/>.</summary>
    public BroadcastOperator Except(params IEnumerable<string> rooms) => Sockets.Except(rooms);

    /// <summary>Emits to every socket of the default namespace.</summary>
    public Task Emit(string eventName, params object?[] args) => Sockets.Emit(eventName, args);

    /// <summary>Disconnects every socket ("server shutting down") and closes every connection.</summary>
    public void Close()
    {
        foreach (var client in _clients.Keys) client.CloseSockets(DisconnectReason.ServerShuttingDown);
        Engine.CloseAll();
        foreach (var nsp in _namespaces.Values) nsp.Adapter.Close();
    }

    internal bool TryGetNamespace(string name, [MaybeNullWhen(false)] out SocketIONamespace nsp)
    {
        if (_namespaces.TryGetValue(name, out nsp)) return true;
        lock (_dynamicLock)
        {
            if (_namespaces.TryGetValue(name, out nsp)) return true;
            foreach (var (matches, configure) in _dynamic)
            {
                if (!matches(name)) continue;
                nsp = new SocketIONamespace(this, name, _services);
                configure(nsp);
                _namespaces[name] = nsp;
                return true;
            }
        }
        return false;
    }

    internal void Forget(SocketIOClient client) => _clients.TryRemove(client, out _);

    private void OnEngineConnection(EngineIOSocket connection) => _clients[new SocketIOClient(this, connection)] = 0;
}
