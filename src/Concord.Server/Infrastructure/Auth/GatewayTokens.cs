namespace Concord.Server.Infrastructure.Auth;

/// <summary>
/// Where the gateway's bearer token travels, as SignalR reads it (<c>JwtBearerEvents.OnMessageReceived</c>): the
/// handshake's <c>auth.token</c> (handed over in <see cref="HttpContext.Items"/> by the gateway, which authenticates it
/// through the JWT scheme), or an <c>access_token</c> query value on /socket.io requests, for clients that cannot set an
/// auth payload. REST reads only the Authorization header.
/// </summary>
public static class GatewayTokens
{
    public const string QueryName = "access_token";
    public static readonly PathString Path = "/socket.io";
    private const string ItemKey = "concord.gateway-token";
    private const int MaxLength = 4096;

    /// <summary>The bearer token of a gateway request, or null.</summary>
    public static string? Find(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var item)) return item as string;
        if (!http.Request.Path.StartsWithSegments(Path) || !http.Request.Query.TryGetValue(QueryName, out var values)) return null;
        return values is [{ Length: > 0 and <= MaxLength } token] ? token : null;
    }

    /// <summary>A context that carries <paramref name="token"/> for the JWT scheme, outside any HTTP request (the handshake's auth payload).</summary>
    public static HttpContext Carrying(string token, IServiceProvider services)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Items[ItemKey] = token.Length <= MaxLength ? token : "";
        return http;
    }
}
