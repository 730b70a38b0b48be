using System.Text.Json.Serialization;
using System.Text.Json;
using Concord.Server.Infrastructure.Validation;

namespace Concord.Server.Infrastructure.Ids;

public static class IdServiceExtensions
{
    public static WebApplicationBuilder AddConcordIds(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SnowflakeOptions.Section).Get<SnowflakeOptions>() ?? new();
        builder.Services.AddSingleton(new SnowflakeGenerator(options));
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        return builder;
    }

    /// <summary>
    /// The wire format shared by REST and real-time payloads: camelCase, ids as strings, enums as camelCase names, and
    /// every string read through the <see cref="UserText"/> rule (no NUL or other C0 controls).
    /// </summary>
    public static JsonSerializerOptions ConfigureJson(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Converters.Add(new SnowflakeJsonConverter());
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.Converters.Add(new UserTextJsonConverter());
        return o;
    }
}
