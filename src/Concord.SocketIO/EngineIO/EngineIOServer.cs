using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// An Engine.IO v4 server: validates requests the way the JS server does, keeps the session
/// registry and hands each request to the polling or WebSocket transport.
/// </summary>
public sealed class EngineIOServer
{
    private readonly ConcurrentDictionary<string, EngineIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly Action<EngineIOSocket> _onConnection;
    // Sessions a client closed over polling while no poll was waiting: the poll it may have sent just before
    // the close (read later by Kestrel on its other connection) still gets the noop the reference answers with.
    private readonly ConcurrentDictionary<string, long> _closedByClient = new(StringComparer.Ordinal);
    private readonly HeartbeatScheduler _heartbeats;

    /// <summary>Creates a server that calls <paramref name="onConnection"/> for every new session, before any message arrives.</summary>
    public EngineIOServer(EngineIOOptions options, Action<EngineIOSocket> onConnection, ILogger logger)
    {
        options.ThrowIfInvalid();
        Options = options;
        Logger = logger;
        _onConnection = onConnection;
        _heartbeats = new HeartbeatScheduler(logger);
    }

    /// <summary>The options in force.</summary>
    public EngineIOOptions Options { get; }

    /// <summary>Counters (slow clients dropped).</summary>
    public EngineIOMetrics Metrics { get; } = new();

    /// <summary>Open sessions.</summary>
    public int ClientsCount => _sockets.Count;

    internal ILogger Logger { get; }

    internal bool TryGetSession(string sid, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out EngineIOSocket socket) => _sockets.TryGetValue(sid, out socket);

    /// <summary>Closes every session, flushing what is queued (reason "forced close").</summary>
    public void CloseAll()
    {
        foreach (var socket in _sockets.Values) socket.Close();
    }

    /// <summary>Handles one Engine.IO HTTP request (polling or WebSocket).</summary>
    // Not async: every branch hands back the task of what it calls, so a WebSocket session does not keep
    // one more state machine alive for its whole life just to await its transport.
    public Task HandleAsync(HttpContext context)
    {
        // The feature itself, not HttpContext.WebSockets (a wrapper object the request would keep).
        var isWebSocket = context.Features.Get<IHttpWebSocketFeature>()?.IsWebSocketRequest == true;
        if (!isWebSocket && Cors.Apply(context, Options.CorsOrigins)) return Task.CompletedTask;

        var query = QueryParser.Parse(context.Request.QueryString.Value);
        var transport = QueryParser.Get(query, "transport");
        if (!IsAllowedTransport(transport)) return EngineIOErrors.WriteAsync(context, EngineIOErrors.UnknownTransport);
        var sid = QueryParser.Get(query, "sid");
        if (sid.Length > 0) return HandleExistingAsync(context, sid, transport, isWebSocket);
        if (!HttpMethods.IsGet(context.Request.Method)) return EngineIOErrors.WriteAsync(context, EngineIOErrors.BadHandshakeMethod);
        if (QueryParser.Get(query, "EIO") != "4") return EngineIOErrors.WriteAsync(context, EngineIOErrors.UnsupportedProtocolVersion);
        if ((transport == "websocket") != isWebSocket) return EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
        if (Options.AllowRequest is { } allow) return HandshakeIfAllowedAsync(context, query, allow, isWebSocket);
        return Handshake(context, query, isWebSocket);
    }

    private async Task HandshakeIfAllowedAsync(HttpContext context, KeyValuePair<string, string>[] query, Func<HttpContext, ValueTask<bool>> allow, bool isWebSocket)
    {
        if (!await allow(context))
        {
            await EngineIOErrors.WriteAsync(context, EngineIOErrors.Forbidden);
            return;
        }
        await Handshake(context, query, isWebSocket);
    }

    private Task Handshake(HttpContext context, KeyValuePair<string, string>[] query, bool isWebSocket) =>
        isWebSocket ? WebSocketTransport.HandshakeAsync(this, context, query) : PollingTransport.HandshakeAsync(this, context, query);

    private async Task HandleExistingAsync(HttpContext context, string sid, string transport, bool isWebSocket)
    {
        if (_sockets.TryGetValue(sid, out var socket))
        {
            socket.RunOverdueDeadline();
            if (socket.IsClosed) socket = null;
        }
        if (socket is null)
        {
            if (!isWebSocket && transport == "polling" && HttpMethods.IsGet(context.Request.Method) && TakeClosedByClient(sid))
                await PollingTransport.WriteNoopAsync(context);
            else await EngineIOErrors.WriteAsync(context, EngineIOErrors.UnknownSid);
            return;
        }
        if (isWebSocket)
        {
            if (transport != "websocket" || !Options.AllowUpgrades) await EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
            // As the reference server: a second WebSocket for a session already upgraded (or upgrading) is
            // accepted, then closed, so clients see a close rather than a failed handshake.
            else if (socket.Transport != "polling" || socket.Upgrading) await WebSocketTransport.AcceptAndCloseAsync(context);
            else await WebSocketTransport.UpgradeAsync(socket, context);
            return;
        }
        if (socket.Transport != transport)
        {
            await EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method)) await PollingTransport.PollAsync(socket, context);
        else if (HttpMethods.IsPost(context.Request.Method)) await PollingTransport.ReceiveAsync(socket, context);
        else await EngineIOErrors.WriteAsync(context, EngineIOErrors.BadRequest);
    }

    private bool IsAllowedTransport(string transport) => transport switch
    {
        "polling" => Options.AllowPolling,
        "websocket" => Options.AllowWebSocket,
        _ => false,
    };

    internal EngineIOSocket Open(HttpContext context, KeyValuePair<string, string>[] query, string transport) =>
        Open(EngineIORequest.From(context, query), transport);

    internal EngineIOSocket Open(EngineIORequest request, string transport)
    {
        var socket = new EngineIOSocket(this, NewId(), transport, request);
        _sockets[socket.Id] = socket;
        socket.StartHeartbeat();
        return socket;
    }

    /// <summary>Runs <see cref="EngineIOSocket.OnDeadline"/> for <paramref name="socket"/> at <paramref name="deadline"/> (MonotonicClock.NowMs ms).</summary>
    internal void ScheduleHeartbeat(EngineIOSocket socket, long deadline) => _heartbeats.Schedule(socket, deadline);

    /// <summary>Remembers, for one poll and at most a ping timeout, that the client closed this polling session.</summary>
    internal void RememberClosedByClient(string sid)
    {
        var now = MonotonicClock.NowMs;
        foreach (var (old, until) in _closedByClient)
            if (until <= now) _closedByClient.TryRemove(new KeyValuePair<string, long>(old, until));
        _closedByClient[sid] = now + (long)Options.PingTimeout.TotalMilliseconds;
    }

    /// <summary>True (once) when the client closed this session and its last poll is still owed a noop.</summary>
    internal bool TakeClosedByClient(string sid) =>
        _closedByClient.TryRemove(sid, out var until) && until > MonotonicClock.NowMs;

    internal void NotifyConnection(EngineIOSocket socket)
    {
        try { _onConnection(socket); }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Connection handler failed for {Sid}", socket.Id);
            socket.CloseNow("transport error");
        }
    }

    internal byte[] OpenPacket(string sid, bool canUpgrade)
    {
        var upgrades = canUpgrade && Options.AllowUpgrades && Options.AllowWebSocket ? "[\"websocket\"]" : "[]";
        var json = $"0{{\"sid\":\"{sid}\",\"upgrades\":{upgrades},\"pingInterval\":{(long)Options.PingInterval.TotalMilliseconds}," +
                   $"\"pingTimeout\":{(long)Options.PingTimeout.TotalMilliseconds},\"maxPayload\":{Options.MaxPayload}}}";
        return Encoding.UTF8.GetBytes(json);
    }

    internal void Remove(EngineIOSocket socket) => _sockets.TryRemove(new KeyValuePair<string, EngineIOSocket>(socket.Id, socket));

    internal static string NewId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
