using System.Security.Claims;
using System.Text.Json;
using Concord.SocketIO.EngineIO;

namespace Concord.SocketIO;

/// <summary>What a client presented when connecting: the HTTP request that opened the connection and the namespace's <c>auth</c> payload.</summary>
public sealed class SocketIOHandshake(EngineIORequest request, JsonElement auth)
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    internal SocketIOHandshake(EngineIORequest request, JsonElement? auth) : this(request, auth ?? EmptyObject) { }

    /// <summary>Request headers (case-insensitive names), including <c>cookie</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers => request.Headers;

    /// <summary>Query string parameters.</summary>
    public IReadOnlyDictionary<string, string> Query => request.Query;

    /// <summary>Parsed cookies.</summary>
    public IReadOnlyDictionary<string, string> Cookies => request.Cookies;

    /// <summary>
    /// The client's <c>auth</c> payload (an empty object when none was sent; also once the connection is accepted when
    /// <see cref="SocketIOOptions.KeepHandshakeAuth"/> is off).
    /// </summary>
    public JsonElement Auth { get; private set; } = auth;

    /// <summary>Lets go of the auth payload's JSON (a credential, often the largest thing a handshake carries).</summary>
    internal void ReleaseAuth() => Auth = EmptyObject;

    /// <summary>Remote IP address.</summary>
    public string? Address => request.RemoteAddress;

    /// <summary>Whether the connection came over HTTPS.</summary>
    public bool Secure => request.Secure;

    /// <summary>Path and query of the first request.</summary>
    public string Url => request.Url;

    /// <summary>When the connection was opened.</summary>
    public DateTimeOffset Issued => request.Issued;

    /// <summary>The user ASP.NET Core authentication attached to the first request.</summary>
    public ClaimsPrincipal User => request.User;
}
