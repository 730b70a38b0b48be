namespace Concord.Server.Infrastructure.OpenApi;

/// <summary>API document settings (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Serve the OpenAPI document at <c>/openapi/v1.json</c>. Public by default: it describes only what clients may call anyway.</summary>
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
        if (app.Services.GetRequiredService<ApiOptions>().OpenApiEnabled) app.MapOpenApi();
        return app;
    }
}
