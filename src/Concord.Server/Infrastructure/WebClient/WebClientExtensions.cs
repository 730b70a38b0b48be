using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Concord.Server.Infrastructure.WebClient;

/// <summary>
/// Serves the built web client (web/, Vite) at <c>/</c>: hashed assets cached for a year, <c>index.html</c> revalidated on
/// every load, and <c>index.html</c> for client routes (<c>/channels/…</c>) but never for the API's own prefixes, whose
/// unknown paths stay problem+json 404s. Without a built client the server still starts, API-only, and says how to build it.
/// </summary>
public static partial class WebClientExtensions
{
    private static readonly string[] ServerPrefixes = ["/api", "/socket.io", "/health", "/metrics", "/openapi"];

    // The client loads its own scripts and styles, talks to its own origin (REST and WebSocket), shows avatars from
    // anywhere over https, and plays call media (MediaStreams need no source). The API keeps its stricter default.
    private const string ClientPolicy = "default-src 'self'; connect-src 'self'; img-src 'self' data: https:; " +
        "style-src 'self'; script-src 'self'; media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Before routing, so asset requests skip authentication, logging and rate limits; the fallback is an endpoint.</summary>
    public static WebApplication UseConcordWebClient(this WebApplication app)
    {
        var options = app.Configuration.GetSection(WebClientOptions.Section).Get<WebClientOptions>() ?? new();
        if (!options.Enabled) return app;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Concord.WebClient");
        var root = FindRoot(options, app.Environment.ContentRootPath);
        if (root is null)
        {
            LogNotBuilt(logger, options.Path ?? "web/dist");
            app.MapGet("/", () => Results.Content(NotBuiltPage, "text/html; charset=utf-8")).ExcludeFromDescription();
            return app;
        }
        LogServing(logger, root);
        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = ctx => SetHeaders(ctx.Context, ctx.File.Name),
        });
        // A fallback for GET and HEAD only: a fallback without methods would also be a candidate for every unsafe
        // request, and win over real endpoints that routing's content-type or method policies filter out (415, 405).
        app.MapMethods("{*path:nonfile}", [HttpMethods.Get, HttpMethods.Head], async http =>
        {
            var path = http.Request.Path;
            if (ServerPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound; // the status-code pages turn it into problem+json
                return;
            }
            SetHeaders(http, "index.html");
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.SendFileAsync(files.GetFileInfo("index.html"), http.RequestAborted);
        }).WithOrder(int.MaxValue).WithDisplayName("Web client fallback").ExcludeFromDescription();
        return app;
    }

    private static void SetHeaders(HttpContext http, string fileName)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ClientPolicy;
        // Vite names every asset by its content hash, so an asset never changes; index.html names the current ones.
        headers.CacheControl = http.Request.Path.StartsWithSegments("/assets") && fileName != "index.html"
            ? "public, max-age=31536000, immutable"
            : "no-cache";
    }

    internal static string? FindRoot(WebClientOptions options, string contentRoot)
    {
        string[] candidates = string.IsNullOrWhiteSpace(options.Path)
            ? [System.IO.Path.Combine(contentRoot, "wwwroot"), System.IO.Path.GetFullPath(System.IO.Path.Combine(contentRoot, "..", "..", "web", "dist"))]
            : [System.IO.Path.GetFullPath(options.Path, contentRoot)];
        return candidates.FirstOrDefault(dir => File.Exists(System.IO.Path.Combine(dir, "index.html")));
    }

    private const string NotBuiltPage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Concord</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
        <h1>Concord is running</h1>
        <p>The API and the real-time gateway are up, but the web client has not been built.</p>
        <p>Install Node.js 20 or newer with npm and run <code>dotnet build src/Concord.Server</code> again (it builds the
        client), or build it by hand: <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>, then restart the server.</p>
        <p>API reference: <a href="/openapi/v1.json">/openapi/v1.json</a></p>
        </body></html>
        """;

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the web client from {Root}")]
    private static partial void LogServing(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web client not built ({Path} has no index.html): serving the API only; build it with Node.js and npm (cd web && npm ci && npm run build)")]
    private static partial void LogNotBuilt(ILogger logger, string path);
}
