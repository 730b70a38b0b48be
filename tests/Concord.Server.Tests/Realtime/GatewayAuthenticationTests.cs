using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Realtime;

/// <summary>
/// The gateway's handshake goes through ASP.NET Core's authentication schemes (bearer in <c>auth.token</c> or the
/// <c>access_token</c> query, the session cookie), with REST's Origin rule for the cookie. Raw Engine.IO over the
/// in-process server's WebSocket: a WebSocket is what a foreign page would open (CORS does not guard it).
/// </summary>
public sealed class GatewayAuthenticationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task AnAccessTokenInTheQueryOrTheAuthPayloadAuthenticatesTheHandshake()
    {
        var user = await app.NewUser().RegisterAsync();
        var token = await TokenAsync(user);

        Assert.StartsWith("40{\"sid\":", await HandshakeAsync($"&access_token={Uri.EscapeDataString(token)}"));
        Assert.StartsWith("40{\"sid\":", await HandshakeAsync(auth: new { token }));
        Assert.Equal(Unauthorized, await HandshakeAsync());
        Assert.Equal(Unauthorized, await HandshakeAsync("&access_token=not-a-token"));
        Assert.Equal(Unauthorized, await HandshakeAsync(auth: new { token = "not-a-token" }));
    }

    [Fact]
    public async Task ARevokedTokenIsRefusedInTheQueryAndInTheAuthPayload()
    {
        var user = await app.NewUser().RegisterAsync();
        var token = await TokenAsync(user);
        Assert.StartsWith("40{\"sid\":", await HandshakeAsync($"&access_token={Uri.EscapeDataString(token)}"));

        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync("/api/auth/logout-all")).StatusCode);

        Assert.Equal(Unauthorized, await HandshakeAsync($"&access_token={Uri.EscapeDataString(token)}"));
        Assert.Equal(Unauthorized, await HandshakeAsync(auth: new { token }));
    }

    [Fact]
    public async Task AnOriginWithTheWrongSchemeIsRefusedByRestAndByTheGatewaysCookieHandshake()
    {
        var user = await app.NewUser().RegisterAsync();
        // The server is http://localhost: the same host over https is another origin, for REST and the gateway alike.
        const string own = "http://localhost", wrongScheme = "https://localhost";

        using var refused = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { }) };
        refused.Headers.Add("Origin", wrongScheme);
        var problem = await (await user.Http.SendAsync(refused)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("origin_not_allowed", problem.GetProperty("code").GetString());
        using var allowed = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { }) };
        allowed.Headers.Add("Origin", own);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.SendAsync(allowed)).StatusCode);

        Assert.Equal(Unauthorized, await HandshakeAsync(cookie: user.SessionCookie, origin: wrongScheme));
        Assert.Equal(Unauthorized, await HandshakeAsync(cookie: user.SessionCookie, origin: "https://evil.example"));
        Assert.StartsWith("40{\"sid\":", await HandshakeAsync(cookie: user.SessionCookie, origin: own));
        Assert.StartsWith("40{\"sid\":", await HandshakeAsync(cookie: user.SessionCookie, origin: "https://app.concord.test"));
        // Without an Origin (not a browser), the cookie is the client's own credential.
        Assert.StartsWith("40{\"sid\":", await HandshakeAsync(cookie: user.SessionCookie));
    }

    private const string Unauthorized = "44{\"message\":\"unauthorized\"}";

    private static async Task<string> TokenAsync(TestUser user)
    {
        var response = await user.PostAsync("/api/auth/token");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Opens a WebSocket session, sends CONNECT (with <paramref name="auth"/>) and returns the server's answer to it.</summary>
    private async Task<string> HandshakeAsync(string query = "", object? auth = null, string? cookie = null, string? origin = null)
    {
        var client = app.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            if (cookie is not null) request.Headers.Cookie = cookie;
            if (origin is not null) request.Headers.Origin = origin;
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await client.ConnectAsync(new Uri($"ws://localhost/socket.io/?EIO=4&transport=websocket{query}"), cts.Token);
        Assert.StartsWith("0{", await ReceiveAsync(socket, cts.Token));
        var connect = auth is null ? "40" : "40" + JsonSerializer.Serialize(auth);
        await socket.SendAsync(Encoding.UTF8.GetBytes(connect), WebSocketMessageType.Text, true, cts.Token);
        return await ReceiveAsync(socket, cts.Token);
    }

    private static async Task<string> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var result = await socket.ReceiveAsync(buffer, ct);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
