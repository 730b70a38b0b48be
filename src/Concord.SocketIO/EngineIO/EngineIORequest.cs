using System.Security.Claims;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// A snapshot of the HTTP request that opened a session. The HttpContext itself dies with
/// its request, while the session lives on, so the parts handlers need are copied.
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
    public required string Url { get; init; }

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset Issued { get; init; }

    /// <summary>The user ASP.NET Core authentication attached to the request (anonymous when none ran).</summary>
    public required ClaimsPrincipal User { get; init; }

    internal static EngineIORequest From(HttpContext context)
    {
        var request = context.Request;
        // Compact read-only maps, not Dictionaries: they live as long as the session (see CompactMap).
        var headers = CompactMap.From(
            request.Headers.Select(static h => KeyValuePair.Create(h.Key, h.Value.ToString())), request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        var query = CompactMap.From(
            request.Query.Select(static q => KeyValuePair.Create(q.Key, q.Value.ToString())), request.Query.Count, StringComparer.Ordinal);
        // Without a Cookie header, request.Cookies would still build an (empty) cookie collection and feature.
        var cookies = request.Headers.Cookie.Count == 0
            ? CompactMap.EmptyOrdinal
            : CompactMap.From(request.Cookies, request.Cookies.Count, StringComparer.Ordinal);
        return new EngineIORequest
        {
            Headers = headers,
            Query = query,
            Cookies = cookies,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
            Secure = request.IsHttps,
            Url = request.Path + request.QueryString,
            Issued = DateTimeOffset.UtcNow,
            User = context.User,
        };
    }
}
