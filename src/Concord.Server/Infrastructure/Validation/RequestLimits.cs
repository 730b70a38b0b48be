using Concord.Server.Infrastructure.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Concord.Server.Infrastructure.Validation;

/// <summary>Request limits (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest accepted request body; bigger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;
}

/// <summary>A larger body limit for one route family (uploads): requests whose path starts with <paramref name="Prefix"/> (and ends with <paramref name="Suffix"/>).</summary>
public sealed record BodyLimitOverride(string Prefix, long MaxBytes, string? Suffix = null)
{
    public bool Matches(PathString path) =>
        path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase)
        && (Suffix is null || (path.Value?.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) ?? false));
}

public static class RequestLimitsExtensions
{
    public static WebApplicationBuilder AddConcordRequestLimits(this WebApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new();
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        return builder;
    }

    /// <summary>Refuses a declared oversize body before reading it, on any server (Kestrel also enforces streamed bodies).</summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<LimitsOptions>();
        var overrides = app.Services.GetServices<BodyLimitOverride>().ToArray();
        app.Use((http, next) =>
        {
            var max = limits.MaxRequestBodyBytes;
            foreach (var o in overrides)
                if (o.Matches(http.Request.Path)) max = o.MaxBytes;
            if (http.Request.ContentLength > max)
                return Problems.WriteAsync(http, new ApiError(ErrorCode.PayloadTooLarge));
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = max;
            return next(http);
        });
        return app;
    }
}
