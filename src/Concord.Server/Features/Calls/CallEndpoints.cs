using System.Security.Claims;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Redis;

namespace Concord.Server.Features.Calls;

/// <summary>One entry of RTCPeerConnection's <c>iceServers</c>.</summary>
public sealed record IceServer(string[] Urls, string? Username = null, string? Credential = null);
public sealed record IceServersResponse(IReadOnlyList<IceServer> IceServers, DateTimeOffset? ExpiresAt);

public static class CallEndpoints
{
    public static WebApplicationBuilder AddConcordCalls(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(CallOptions.Section).Get<CallOptions>() ?? new();
        if (options.MaxParticipants < 2) throw new InvalidOperationException("Calls:MaxParticipants must be at least 2.");
        if (options.TurnUrls.Length > 0 && string.IsNullOrEmpty(options.TurnSecret))
            throw new InvalidOperationException("Calls:TurnUrls is set but Calls:TurnSecret is empty.");
        if (options.LeaseDuration < TimeSpan.FromSeconds(3)) throw new InvalidOperationException("Calls:LeaseDuration must be at least 3 seconds.");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<TurnCredentials>();
        builder.Services.AddSingleton<CallService>();
        // Capacity across nodes needs one shared, atomic registry; a single node keeps it in memory.
        if (builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()?.Enabled == true)
        {
            builder.Services.AddSingleton<RedisCallRegistry>();
            builder.Services.AddSingleton<ICallRegistry>(sp => sp.GetRequiredService<RedisCallRegistry>());
            builder.Services.AddHostedService<CallLeaseRenewal>();
        }
        else builder.Services.AddSingleton<ICallRegistry, InMemoryCallRegistry>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCallEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/calls").WithTags("Calls").RequireAuthorization()
            .MapGet("/ice-servers", IceServers).WithName("GetIceServers");
        return app;
    }

    private static IResult IceServers(ClaimsPrincipal principal, CallOptions options, TurnCredentials turn)
    {
        var servers = new List<IceServer>();
        if (options.StunUrls.Length > 0) servers.Add(new IceServer(options.StunUrls));
        DateTimeOffset? expiresAt = null;
        if (options.TurnUrls.Length > 0)
        {
            var (username, credential, expiry) = turn.Issue(principal.UserId());
            servers.Add(new IceServer(options.TurnUrls, username, credential));
            expiresAt = expiry;
        }
        return Results.Ok(new IceServersResponse(servers, expiresAt));
    }
}
