namespace Concord.Server.Realtime.Outbox;

public static class OutboxServiceExtensions
{
    /// <summary>The transactional outbox for real-time events and its relay.</summary>
    public static WebApplicationBuilder AddConcordOutbox(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OutboxOptions.Section).Get<OutboxOptions>() ?? new();
        options.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<RealtimeOutbox>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
