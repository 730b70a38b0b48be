namespace Concord.Server.Infrastructure.Observability;

public static class LoggingExtensions
{
    /// <summary>
    /// JSON lines on stdout (one object per event, for a log shipper) everywhere but Development, where a person
    /// reads the terminal: one plain line per event.
    /// </summary>
    public static WebApplicationBuilder AddConcordLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        // Every line written inside a span (a request, a socket event, a broadcast received from another node)
        // carries its trace id as a scope, so a log line leads to its trace.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Environment.IsDevelopment())
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = false;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        else
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        return builder;
    }

    /// <summary>
    /// The folder that holds appsettings.json: the working directory when it has one (<c>dotnet run</c> in the
    /// project), else the folder of the app itself, so <c>dotnet /opt/concord/Concord.Server.dll</c> started from
    /// anywhere still reads its defaults. An explicit content root (argument or environment) wins.
    /// </summary>
    public static string? ContentRoot(string[] args)
    {
        if (args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null) return null;
        return File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory;
    }
}
