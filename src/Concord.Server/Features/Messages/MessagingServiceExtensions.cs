using Concord.Server.Features.Conversations;

namespace Concord.Server.Features.Messages;

public static class MessagingServiceExtensions
{
    /// <summary>Channel and direct message services: shared by the REST endpoints and the real-time gateway.</summary>
    public static WebApplicationBuilder AddConcordMessaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<MessageService>();
        builder.Services.AddScoped<ConversationService>();
        builder.Services.AddScoped<DirectMessageService>();
        return builder;
    }

    public static WebApplication MapMessagingEndpoints(this WebApplication app)
    {
        app.MapMessageEndpoints();
        app.MapConversationEndpoints();
        return app;
    }
}
