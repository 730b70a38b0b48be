namespace Concord.Server.Infrastructure.Security;

/// <summary>
/// Which browser pages may act with a user's ambient credentials (the session cookie): our own origin — the exact
/// scheme, host and port the request came to (after <c>Proxy:KnownProxies</c>' X-Forwarded-Proto) — and the origins in
/// <c>Cors:AllowedOrigins</c>. One rule for REST's CSRF check and the gateway's cookie handshake, so neither is the weaker door.
/// </summary>
public sealed class OriginPolicy(CorsOptions cors)
{
    public bool Allows(string origin, string scheme, string host) =>
        string.Equals(origin, $"{scheme}://{host}", StringComparison.OrdinalIgnoreCase)
        || cors.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);

    public bool Allows(HttpRequest request, string origin) => Allows(origin, request.Scheme, request.Host.Value ?? "");
}
