using System.Text.Json;
using Concord.SocketIO.EngineIO;
using Concord.SocketIO.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>The raw Engine.IO endpoint: the README's echo examples, and options shared with AddSocketIO.</summary>
public sealed class EngineIOEndpointTests
{
    [Fact]
    public async Task MapEngineIOTakesHeartbeatAndPayloadLimitFromAddSocketIOUnlessOverridden()
    {
        await using var app = await StartAsync(
            o => (o.PingInterval, o.PingTimeout, o.MaxPayload) = (TimeSpan.FromMilliseconds(1234), TimeSpan.FromMilliseconds(567), 777),
            app =>
            {
                app.MapEngineIO("/inherits", _ => { });
                app.MapEngineIO("/overrides", _ => { }, o => o.MaxHttpBufferSize = 4242);
            });
        using var http = new HttpClient();

        var inherits = await OpenAsync(http, app.Uri, "/inherits");
        Assert.Equal(1234, inherits.GetProperty("pingInterval").GetInt32());
        Assert.Equal(567, inherits.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(777, inherits.GetProperty("maxPayload").GetInt32());
        var overrides = await OpenAsync(http, app.Uri, "/overrides");
        Assert.Equal(1234, overrides.GetProperty("pingInterval").GetInt32());
        Assert.Equal(4242, overrides.GetProperty("maxPayload").GetInt32());
    }

    [Fact]
    public async Task ReadmeEchoSendsTextAsTextAndBinaryAsTheSameBytesEvenWhenMessagesFollowQuickly()
    {
        await using var app = await StartAsync(null, app =>
            // The README's example, verbatim.
            app.MapEngineIO("/engine.io", socket => socket.OnMessage(m =>
            {
                if (m.IsBinary) socket.Send(m.Data); // copied: Data is only valid during this callback
                else socket.Send(m.Text);
                return ValueTask.CompletedTask;
            })));
        await using var ws = await RawWebSocket.ConnectAsync(new Uri(app.Uri, "/engine.io/?EIO=4&transport=websocket"));
        Assert.StartsWith("0{", await ws.ReceiveAsync());

        // A burst: each message's receive buffer goes back to the pool as the next one arrives.
        var sent = Enumerable.Range(0, 50).Select(i => Enumerable.Repeat((byte)i, 5000 + i).ToArray()).ToList();
        foreach (var bytes in sent)
        {
            await ws.SendBinaryAsync(bytes);
            await ws.SendTextAsync("4text " + bytes.Length);
        }
        foreach (var bytes in sent)
        {
            Assert.Equal("bin:" + Convert.ToBase64String(bytes), await ws.ReceiveAsync());
            Assert.Equal("4text " + bytes.Length, await ws.ReceiveAsync());
        }
    }

    private static async Task<JsonElement> OpenAsync(HttpClient http, Uri baseUri, string path)
    {
        var body = await http.GetStringAsync(new Uri(baseUri, path + "/?EIO=4&transport=polling"));
        return JsonDocument.Parse(body[1..]).RootElement.Clone();
    }

    private static async Task<RunningApp> StartAsync(Action<SocketIOOptions>? configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO(configure);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningApp(app, new Uri(address));
    }

    private sealed class RunningApp(WebApplication app, Uri uri) : IAsyncDisposable
    {
        public Uri Uri => uri;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
