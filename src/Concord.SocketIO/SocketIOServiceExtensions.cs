using Concord.SocketIO.EngineIO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Concord.SocketIO;

/// <summary>Registration in the ASP.NET Core idiom: <c>AddSocketIO()</c> then <c>MapSocketIO()</c>.</summary>
public static class SocketIOServiceExtensions
{
    /// <summary>Registers <see cref="SocketIOServer"/> as a singleton with its options (validated at start-up).</summary>
    public static IServiceCollection AddSocketIO(this IServiceCollection services, Action<SocketIOOptions>? configure = null)
    {
        var options = services.AddOptions<SocketIOOptions>();
        if (configure is not null) options.Configure(configure);
        options.Validate(o => !o.Validate().Any(), "Invalid SocketIOOptions (check timings, sizes and transports).").ValidateOnStart();
        services.TryAddSingleton<SocketIOServer>();
        services.AddHostedService<SocketIOShutdown>();
        return services;
    }

    /// <summary>Serves Socket.IO at <paramref name="path"/> (default "/socket.io"), polling and WebSocket.</summary>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string path = "/socket.io")
    {
        var server = endpoints.ServiceProvider.GetRequiredService<SocketIOServer>();
        return endpoints.MapEngineIO(path, server.Engine);
    }

    /// <summary>Tells clients "server shutting down" before Kestrel stops.</summary>
    private sealed class SocketIOShutdown(SocketIOServer server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            server.Close();
            return Task.CompletedTask;
        }
    }
}
