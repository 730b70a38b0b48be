using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Infrastructure.OpenApi;

/// <summary>API document settings (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// Serve the OpenAPI document at <c>/openapi/v1.json</c> and the gateway's AsyncAPI document at <c>/asyncapi/v1.json</c>.
    /// Public by default: they describe only what clients may call anyway.
    /// </summary>
    public bool OpenApiEnabled { get; set; } = true;
}

public static class OpenApiExtensions
{
    public static WebApplicationBuilder AddConcordOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new());
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapConcordOpenApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<ApiOptions>().OpenApiEnabled) return app;
        app.MapOpenApi();
        // Generated from the event catalogue, so it is never out of date.
        app.MapGet("/asyncapi/v1.json", () => Results.Text(AsyncApiDocument.ToJson(), "application/json"))
            .ExcludeFromDescription();
        return app;
    }
}
