using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Concord.SocketIO.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 and a random port, hosting Socket.IO in-process.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }
    public SocketIOServer Server => _app.Services.GetRequiredService<SocketIOServer>();

    public Uri EngineUri(string query) => new(BaseUri, "/socket.io/?" + query);

    /// <summary>
    /// Starts the server; WebSockets are detached from their upgrade requests (<see cref="DetachedWebSocketExtensions.UseDetachedWebSockets"/>)
    /// unless <paramref name="detached"/> is false, which serves them in-request as TestServer or IIS would.
    /// </summary>
    public static async Task<TestHost> StartAsync(Action<SocketIOOptions>? configure = null, Action<SocketIOServer>? setup = null, bool detached = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.ConfigureEndpointDefaults(listen =>
        {
            if (detached) listen.UseDetachedWebSockets();
        })).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO(configure);
        var app = builder.Build();
        app.MapSocketIO();
        setup?.Invoke(app.Services.GetRequiredService<SocketIOServer>());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
