using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Concord.SocketIO.Tests.Detached.RawFrameClient;

namespace Concord.SocketIO.Tests.Detached;

/// <summary>
/// Where the WebSocket session runs: after its upgrade request ended (detached) or inside it (fallback), over HTTP and
/// HTTPS, and that the rest of the port is still plain ASP.NET Core.
/// </summary>
public sealed class DetachedWebSocketHostingTests
{
    [Fact]
    public async Task UpgradeRequestEndsWhileTheWebSocketKeepsServing()
    {
        await using var host = await RequestWatchingHost.StartAsync(https: false, listen => listen.UseDetachedWebSockets());
        await using var client = await ConnectAsync(host.BaseUri);
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync());
        // The request went through the whole pipeline (its middleware saw it) and is over, the socket still serves.
        await host.UpgradeRequestEnded.WaitAsync(TimeSpan.FromSeconds(10));
        await client.SendAsync(TextFrame("40"), TextFrame("421[\"echo\",\"after the request\"]"));
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        Assert.Equal("431[\"after the request\"]", await client.ReceiveTextAsync());
        Assert.Equal(1, host.Server.Engine.ClientsCount);
    }

    [Fact]
    public async Task WithoutTheMiddlewareTheWebSocketIsServedInsideItsRequest()
    {
        await using var host = await RequestWatchingHost.StartAsync(https: false, configure: null);
        await using var client = await ConnectAsync(host.BaseUri);
        Assert.StartsWith("0{\"sid\":", await client.ReceiveTextAsync());
        await client.SendAsync(TextFrame("40"), TextFrame("421[\"echo\",\"in request\"]"));
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        Assert.Equal("431[\"in request\"]", await client.ReceiveTextAsync());
        Assert.False(host.UpgradeRequestEnded.IsCompleted);

        await client.SendAsync(CloseFrame(1000));
        await client.ReceiveUntilEndAsync();
        await host.UpgradeRequestEnded.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WssThroughTheDetachedPathExchangesEvents()
    {
        await using var host = await RequestWatchingHost.StartAsync(https: true, listen => listen.UseDetachedWebSockets());
        using var ws = await ConnectWssAsync(host.BaseUri);
        Assert.StartsWith("0{\"sid\":", await ReceiveAsync(ws));
        await host.UpgradeRequestEnded.WaitAsync(TimeSpan.FromSeconds(10));
        await SendAsync(ws, "40");
        Assert.StartsWith("40{\"sid\":", await ReceiveAsync(ws));
        await SendAsync(ws, "421[\"echo\",\"over tls\"]");
        Assert.Equal("431[\"over tls\"]", await ReceiveAsync(ws));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }

    [Fact]
    public async Task HttpsEndpointFromConfigurationIsDetachedBehindItsTls()
    {
        // Kestrel:Endpoints, as an operator configures HTTPS: the loader's UseHttps would come after the endpoint defaults.
        var pfx = Path.Combine(Path.GetTempPath(), $"concord-detach-{Guid.NewGuid():N}.pfx");
        using (var certificate = RequestWatchingHost.SelfSigned()) await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test"));
        try
        {
            await using var host = await RequestWatchingHost.StartAsync(https: true, configure: null, kestrel: (builder, k) =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Kestrel:Endpoints:Tls:Url"] = "https://127.0.0.1:0",
                    ["Kestrel:Endpoints:Tls:Certificate:Path"] = pfx,
                    ["Kestrel:Endpoints:Tls:Certificate:Password"] = "test",
                });
                k.Configure(builder.Configuration.GetSection("Kestrel"));
                k.UseDetachedWebSockets();
            });
            using var ws = await ConnectWssAsync(host.BaseUri);
            Assert.StartsWith("0{\"sid\":", await ReceiveAsync(ws));
            await host.UpgradeRequestEnded.WaitAsync(TimeSpan.FromSeconds(10));
            await SendAsync(ws, "40");
            Assert.StartsWith("40{\"sid\":", await ReceiveAsync(ws));
            await SendAsync(ws, "421[\"echo\",\"configured tls\"]");
            Assert.Equal("431[\"configured tls\"]", await ReceiveAsync(ws));
        }
        finally { File.Delete(pfx); }
    }

    [Fact]
    public async Task RegisteredOutsideTlsTheWebSocketFallsBackToItsRequest()
    {
        // As ConfigureEndpointDefaults places it for an endpoint configuration makes HTTPS: before UseHttps, so it sees
        // ciphertext and must leave such connections alone.
        await using var host = await RequestWatchingHost.StartAsync(https: true, listen => listen.UseDetachedWebSockets(), detachBeforeTls: true);
        using var ws = await ConnectWssAsync(host.BaseUri);
        Assert.StartsWith("0{\"sid\":", await ReceiveAsync(ws));
        await SendAsync(ws, "40");
        Assert.StartsWith("40{\"sid\":", await ReceiveAsync(ws));
        await SendAsync(ws, "421[\"echo\",\"still tls\"]");
        Assert.Equal("431[\"still tls\"]", await ReceiveAsync(ws));
        Assert.False(host.UpgradeRequestEnded.IsCompleted);
    }

    [Fact]
    public async Task WithAnUpgradedConnectionLimitTheWebSocketStaysInItsRequestSoTheLimitHolds()
    {
        // Kestrel counts an upgraded connection only while its request runs.
        await using var host = await RequestWatchingHost.StartAsync(https: false, listen =>
        {
            listen.KestrelServerOptions.Limits.MaxConcurrentUpgradedConnections = 1;
            listen.UseDetachedWebSockets();
        });
        await using var first = await ConnectAsync(host.BaseUri);
        Assert.StartsWith("0{\"sid\":", await first.ReceiveTextAsync());
        await first.SendAsync(TextFrame("40"));
        Assert.StartsWith("40{\"sid\":", await first.ReceiveTextAsync());
        Assert.False(host.UpgradeRequestEnded.IsCompleted);
        // A second upgrade beyond the limit is refused, as without the middleware.
        await using var second = await ConnectAsync(host.BaseUri, expect101: false);
        Assert.DoesNotContain("101", second.ResponseHead.Split("\r\n")[0]);
    }

    [Fact]
    public async Task OtherRequestsOnTheSameConnectionAreServedAsUsual()
    {
        await using var host = await RequestWatchingHost.StartAsync(https: false, listen => listen.UseDetachedWebSockets());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
        // Keep-alive: three requests on one connection, a polling handshake among them.
        for (var i = 0; i < 3; i++) Assert.Equal("plain " + i, await http.GetStringAsync(new Uri(host.BaseUri, "/plain?i=" + i)));
        var open = await http.GetStringAsync(new Uri(host.BaseUri, "/socket.io/?EIO=4&transport=polling"));
        Assert.StartsWith("0{\"sid\":", open);
        Assert.Equal("plain 3", await http.GetStringAsync(new Uri(host.BaseUri, "/plain?i=3")));
    }

    [Fact]
    public async Task PollingSessionUpgradesOntoADetachedWebSocket()
    {
        await using var host = await RequestWatchingHost.StartAsync(https: false, listen => listen.UseDetachedWebSockets());
        using var http = new HttpClient();
        var open = await http.GetStringAsync(new Uri(host.BaseUri, "/socket.io/?EIO=4&transport=polling"));
        var sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString();
        await using var client = await ConnectAsync(host.BaseUri, $"/socket.io/?EIO=4&transport=websocket&sid={sid}");
        await client.SendAsync(TextFrame("2probe"));
        Assert.Equal("3probe", await client.ReceiveTextAsync());
        await client.SendAsync(TextFrame("5"), TextFrame("40"), TextFrame("421[\"echo\",\"upgraded\"]"));
        Assert.StartsWith("40{\"sid\":", await client.ReceiveTextAsync());
        Assert.Equal("431[\"upgraded\"]", await client.ReceiveTextAsync());
        await host.UpgradeRequestEnded.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<ClientWebSocket> ConnectWssAsync(Uri baseUri)
    {
        var ws = new ClientWebSocket();
        // The test's own self-signed certificate.
        ws.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(new Uri($"wss://{baseUri.Authority}/socket.io/?EIO=4&transport=websocket"), cts.Token);
        return ws;
    }

    private static Task SendAsync(ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var result = await ws.ReceiveAsync(buffer, cts.Token);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>A Kestrel server whose pipeline records when the WebSocket upgrade request ends.</summary>
    private sealed class RequestWatchingHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private RequestWatchingHost(WebApplication app) => _app = app;

        public Uri BaseUri { get; private set; } = null!;
        public Task UpgradeRequestEnded => _ended.Task;
        public SocketIOServer Server => _app.Services.GetRequiredService<SocketIOServer>();

        public static async Task<RequestWatchingHost> StartAsync(bool https, Action<ListenOptions>? configure, bool detachBeforeTls = false,
            Action<WebApplicationBuilder, KestrelServerOptions>? kestrel = null)
        {
            using var certificate = https ? SelfSigned() : null;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            if (kestrel is not null) builder.WebHost.UseKestrel(k => kestrel(builder, k));
            else builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (detachBeforeTls) configure?.Invoke(listen);
                // The certificate is exported and re-imported so it outlives this method's `using`.
                if (https) listen.UseHttps(X509CertificateLoader.LoadPkcs12(certificate!.Export(X509ContentType.Pfx), null));
                if (!detachBeforeTls) configure?.Invoke(listen);
            }));
            builder.Services.AddSocketIO();
            var app = builder.Build();
            var host = new RequestWatchingHost(app);
            app.Use(async (context, next) =>
            {
                await next(context);
                if (context.Request.Path.StartsWithSegments("/socket.io") && context.Response.StatusCode == 101) host._ended.TrySetResult();
            });
            app.MapGet("/plain", (HttpContext context) => "plain " + context.Request.Query["i"]);
            app.MapSocketIO();
            app.Services.GetRequiredService<SocketIOServer>().Sockets.OnConnection(socket => socket.On("echo", e => e.Ack(e.Args[0])));
            await app.StartAsync();
            host.BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return host;
        }

        internal static X509Certificate2 SelfSigned()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
