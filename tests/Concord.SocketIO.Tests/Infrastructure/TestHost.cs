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

    public static async Task<TestHost> StartAsync(Action<SocketIOOptions>? configure = null, Action<SocketIOServer>? setup = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
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
