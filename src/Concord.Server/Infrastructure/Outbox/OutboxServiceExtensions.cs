using Concord.Server.Infrastructure.Hosting;

namespace Concord.Server.Infrastructure.Outbox;

public static class OutboxServiceExtensions
{
    /// <summary>The transactional outbox for real-time events, and its relay on nodes with the worker role.</summary>
    public static WebApplicationBuilder AddConcordOutbox(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<RealtimeOutbox>();
        builder.Services.AddSingleton<OutboxCompletions>();
        builder.Services.AddHostedService<OutboxCompletionWriter>();
        builder.Services.AddWorker<OutboxRelay>(NodeOptions.Parse(builder.Configuration[$"{NodeOptions.Section}:Roles"]));
        return builder;
    }
}
