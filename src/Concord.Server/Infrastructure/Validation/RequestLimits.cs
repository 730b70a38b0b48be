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
        app.Use((http, next) =>
        {
            if (http.Request.ContentLength > limits.MaxRequestBodyBytes)
                return Problems.WriteAsync(http, new ApiError(ErrorCode.PayloadTooLarge));
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            return next(http);
        });
        return app;
    }
}
