using System.Net;
using System.Net.WebSockets;
using System.Text;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Realtime;

/// <summary>
/// The gateway on Kestrel with its WebSockets detached from their upgrade requests (the shipped default) and without
/// (<c>Realtime:DetachWebSockets=false</c>): the upgrade request still goes through the pipeline's authentication and
/// REST's Origin rule, and what the handshake needs is copied before the request ends.
/// </summary>
public sealed class DetachedGatewayTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HandshakeRequestIsAuthenticatedByThePipelineWithOrWithoutDetaching(bool detach)
    {
        using var app = new RealtimeApp(Backend.Sqlite, new Dictionary<string, string?> { ["Realtime:DetachWebSockets"] = detach.ToString() });
        var user = await app.NewUser().RegisterAsync();
        var token = (await (await user.PostAsync("/api/auth/token")).JsonAsync()).GetProperty("accessToken").GetString()!;
        var own = new Uri(app.Url).GetLeftPart(UriPartial.Authority);

        Assert.StartsWith("40{\"sid\":", await HandshakeAsync(app, $"&access_token={Uri.EscapeDataString(token)}"));
        Assert.StartsWith("40{\"sid\":", await HandshakeAsync(app, cookie: user.SessionCookie, origin: own));
        Assert.Equal(Unauthorized, await HandshakeAsync(app, cookie: user.SessionCookie, origin: "https://evil.example"));
        Assert.Equal(Unauthorized, await HandshakeAsync(app));
        // The rest of the port is untouched: REST on the same server still answers.
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/auth/me")).StatusCode);
    }

    private const string Unauthorized = "44{\"message\":\"unauthorized\"}";

    private static async Task<string> HandshakeAsync(RealtimeApp app, string query = "", string? cookie = null, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var uri = new UriBuilder(new Uri(new Uri(app.Url), "/socket.io/?EIO=4&transport=websocket" + query)) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, cts.Token);
        Assert.StartsWith("0{", await ReceiveAsync(socket, cts.Token));
        await socket.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        return await ReceiveAsync(socket, cts.Token);
    }

    private static async Task<string> ReceiveAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var result = await socket.ReceiveAsync(buffer, ct);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
