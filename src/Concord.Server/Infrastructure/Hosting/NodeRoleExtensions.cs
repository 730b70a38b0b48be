using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Redis;

namespace Concord.Server.Infrastructure.Hosting;

public static class NodeRoleExtensions
{
    /// <summary>
    /// Reads <c>Concord:Roles</c>. A node with some roles but not all is one of several processes, so it needs the
    /// shared parts the others see: Redis (events, sessions, presence) and PostgreSQL.
    /// </summary>
    public static NodeRoles AddConcordRoles(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new();
        var roles = NodeOptions.Parse(options.Roles);
        if (roles != NodeRoles.All)
        {
            var redis = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
            var usesPostgres = DataServiceExtensions.UsesPostgres(builder.Configuration);
            if (!redis.Enabled || !usesPostgres)
                throw new InvalidOperationException(
                    $"Concord:Roles={options.Roles} splits the work across processes, which then share state through Redis and PostgreSQL: set Redis:ConnectionString and ConnectionStrings:Postgres, or run all roles in one process.");
        }
        if (options.DrainDelay < TimeSpan.Zero || options.DrainDelay > TimeSpan.FromMinutes(1))
            throw new InvalidOperationException("Concord:DrainDelay must be between 00:00:00 and 00:01:00.");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new NodeIdentity(roles, options.NodeName));
        builder.Services.AddSingleton<DrainState>();
        builder.Services.AddHostedService<GracefulDrain>();
        builder.Services.AddHealthChecks().AddCheck<DrainHealthCheck>("draining", tags: ["ready"]);
        return roles;
    }

    /// <summary>Registers a background service that runs only on nodes with the worker role.</summary>
    public static IServiceCollection AddWorker<T>(this IServiceCollection services, NodeRoles roles) where T : class, IHostedService
    {
        if (roles.HasFlag(NodeRoles.Worker)) services.AddHostedService<T>();
        return services;
    }

    /// <summary>
    /// While draining, new real-time sessions are refused (503, Retry-After), so none starts after the node closed its
    /// connections; requests of existing sessions (they carry a sid) still pass.
    /// </summary>
    public static WebApplication UseDrain(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<DrainState>();
        app.Use((context, next) =>
        {
            if (!state.Draining || !context.Request.Path.StartsWithSegments("/socket.io") || context.Request.Query.ContainsKey("sid"))
                return next(context);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>Names the answering node in <c>X-Concord-Node</c> when <c>Concord:NodeName</c> is set.</summary>
    public static WebApplication UseNodeName(this WebApplication app)
    {
        var name = app.Services.GetRequiredService<NodeIdentity>().Name;
        if (string.IsNullOrEmpty(name)) return app;
        app.Use((context, next) =>
        {
            context.Response.Headers["X-Concord-Node"] = name;
            return next(context);
        });
        return app;
    }
}

/// <summary>This process's roles and name, for services that behave differently per role.</summary>
public sealed record NodeIdentity(NodeRoles Roles, string? Name)
{
    public bool Has(NodeRoles role) => Roles.HasFlag(role);
}
