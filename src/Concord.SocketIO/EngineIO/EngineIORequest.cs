using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// A snapshot of the HTTP request that opened a session. The HttpContext itself dies with
/// its request, while the session lives on, so the parts handlers need are copied. Read through the request's
/// features, not <c>HttpContext.User</c>, <c>Request.Query</c> or <c>Connection</c>: those build objects that a
/// WebSocket's request would keep for the connection's whole life (an anonymous principal, a query
/// collection, a connection-info wrapper: ~0.4 KB per connection, measured).
/// </summary>
public sealed class EngineIORequest
{
    /// <summary>Request headers (case-insensitive names), including <c>cookie</c>.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Query string parameters.</summary>
    public required IReadOnlyDictionary<string, string> Query { get; init; }

    /// <summary>Parsed cookies.</summary>
    public required IReadOnlyDictionary<string, string> Cookies { get; init; }

    /// <summary>Remote IP address, if known.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Whether the request came over HTTPS.</summary>
    public bool Secure { get; init; }

    /// <summary>Path and query of the request.</summary>
    public string Url
    {
        // Joined on first read: the path and query strings are the request's own (which a WebSocket's request
        // keeps anyway), the joined copy would be ~100 bytes more per connection.
        get => _url ??= _path + _query;
        init => _url = value;
    }

    private string? _url, _path, _query;

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Issued { get; init; }

    /// <summary>The user ASP.NET Core authentication attached to the request (anonymous when none ran).</summary>
    public ClaimsPrincipal User
    {
        // The anonymous principal is made on first read, as HttpContext.User makes it, and is this request's own.
        get => _user ?? Interlocked.CompareExchange(ref _user, new ClaimsPrincipal(new ClaimsIdentity()), null) ?? _user!;
        init => _user = value;
    }

    private ClaimsPrincipal? _user;

    internal static EngineIORequest From(HttpContext context, KeyValuePair<string, string>[] query)
    {
        var request = context.Request;
        // Compact read-only maps, not Dictionaries: they live as long as the session (see CompactMap).
        var headers = CompactMap.From(
            request.Headers.Select(static h => KeyValuePair.Create(h.Key, h.Value.ToString())), request.Headers.Count, StringComparer.OrdinalIgnoreCase);

        // Without a Cookie header, request.Cookies would still build an (empty) cookie collection and feature.
        var cookies = request.Headers.Cookie.Count == 0
            ? CompactMap.EmptyOrdinal
            : CompactMap.From(request.Cookies, request.Cookies.Count, StringComparer.Ordinal);
        return new EngineIORequest
        {
            Headers = headers,
            Query = CompactMap.Wrap(query, StringComparer.Ordinal),
            Cookies = cookies,
            RemoteAddress = context.Features.Get<IHttpConnectionFeature>()?.RemoteIpAddress?.ToString(),
            Secure = request.IsHttps,
            // What Path + QueryString gives, in two parts (unescaped paths return the request's own string).
            _path = request.Path.ToUriComponent(),
            _query = request.QueryString.ToUriComponent(),
            Issued = DateTimeOffset.UtcNow,
            _user = context.Features.Get<IHttpAuthenticationFeature>()?.User,
        };
    }
}
