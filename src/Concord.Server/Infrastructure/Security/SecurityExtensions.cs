using System.Security.Cryptography;
using System.Text;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Errors;

namespace Concord.Server.Infrastructure.Security;

/// <summary>Endpoints marked with this accept unsafe requests without a CSRF token (login and register act with no session's authority).</summary>
public sealed class SkipCsrfAttribute : Attribute;

public static class SecurityExtensions
{
    public const string CorsPolicy = "concord";

    public static WebApplicationBuilder AddConcordSecurity(this WebApplicationBuilder builder)
    {
        var cors = builder.Configuration.GetSection(CorsOptions.Section).Get<CorsOptions>() ?? new();
        builder.Services.AddSingleton(cors);
        builder.Services.AddSingleton<OriginPolicy>();
        builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, p => p
            .WithOrigins(cors.AllowedOrigins)
            .AllowCredentials()
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders("X-CSRF-Token", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")));
        builder.Services.AddHttpContextAccessor();
        return builder;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var h = http.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            return next(http);
        });
        return app;
    }

    /// <summary>
    /// Runs after authentication. Unsafe requests from a foreign Origin are refused; unsafe requests
    /// authenticated by the session cookie must echo the session's CSRF token. Bearer requests carry
    /// no ambient credential, so they need no token.
    /// </summary>
    public static WebApplication UseCsrfProtection(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<OriginPolicy>();
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
            {
                await next(http);
                return;
            }
            var origin = http.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && !origins.Allows(http.Request, origin))
            {
                await Problems.WriteAsync(http, new ApiError(ErrorCode.OriginNotAllowed));
                return;
            }
            if (http.User.IsSessionAuthenticated() && http.GetEndpoint()?.Metadata.GetMetadata<SkipCsrfAttribute>() is null)
            {
                var expected = http.User.FindFirst(ConcordClaims.Csrf)?.Value ?? "";
                var given = http.Request.Headers["X-CSRF-Token"].ToString();
                if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given)) || given.Length == 0)
                {
                    await Problems.WriteAsync(http, new ApiError(ErrorCode.CsrfTokenInvalid));
                    return;
                }
            }
            await next(http);
        });
        return app;
    }
}
