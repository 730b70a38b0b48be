using Concord.Server.Infrastructure.Redis;
using Concord.Server.Infrastructure.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Concord.Server.Infrastructure.Auth;

public static class AuthServiceExtensions
{
    private const string PolicyScheme = "SessionOrBearer";

    /// <summary>
    /// Session cookie or bearer token (<c>Authorization: Bearer</c>; on /socket.io also <see cref="GatewayTokens"/>), chosen per
    /// request; both yield the same principal shape.
    /// </summary>
    public static WebApplicationBuilder AddConcordAuth(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        if (auth.BcryptWorkFactor is < 4 or > 31) throw new InvalidOperationException("Auth:BcryptWorkFactor must be 4–31.");
        var sessions = builder.Configuration.GetSection(SessionStoreOptions.Section).Get<SessionStoreOptions>() ?? new();
        builder.Services.AddSingleton(auth);
        builder.Services.AddSingleton(sessions);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<TokenVersionCache>();
        builder.Services.AddSingleton<TokenRevocationChannel>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TokenRevocationChannel>());
        builder.Services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<RedisOptions>().Enabled
            ? ActivatorUtilities.CreateInstance<RedisSessionStore>(sp)
            : ActivatorUtilities.CreateInstance<InMemorySessionStore>(sp));
        builder.Services.AddScoped<SessionCookies>();

        builder.Services
            .AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, PolicyScheme, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || GatewayTokens.Find(http) is not null
                    ? JwtBearerDefaults.AuthenticationScheme
                    : SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null)
            .AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService>((o, tokens) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = tokens.ValidationParameters;
                o.Events = new JwtBearerEvents
                {
                    // Null leaves the Authorization header to the handler.
                    OnMessageReceived = context =>
                    {
                        context.Token ??= GatewayTokens.Find(context.HttpContext);
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = CheckSubjectAndVersionAsync,
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// A well-signed token still fails (401) when its subject is not a user id, or when its version is behind the user's:
    /// a password change, logout-all or account deletion revoked it.
    /// </summary>
    private static async Task CheckSubjectAndVersionAsync(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is not System.Security.Claims.ClaimsIdentity identity || TokenService.ReadSubject(identity) is not { } subject)
        {
            context.Fail("The token's subject is not a user.");
            return;
        }
        var versions = context.HttpContext.RequestServices.GetRequiredService<TokenVersionCache>();
        if (!await versions.IsCurrentAsync(subject.UserId, subject.Version, context.HttpContext.RequestAborted))
            context.Fail("The token was revoked.");
    }
}
