using System.Security.Claims;
using Concord.Server.Features.Messages;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Validation;

namespace Concord.Server.Features.Conversations;

/// <summary>Direct messaging. Only participants see a conversation or post in it; everyone else gets 404.</summary>
public static class ConversationEndpoints
{
    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        group.MapPost("/", Open).Validate<CreateConversationRequest>();
        group.MapGet("/", List);
        group.MapPost("/{conversationId:long}/participants", AddParticipant).Validate<AddParticipantRequest>();
        group.MapPost("/{conversationId:long}/leave", Leave);
        group.MapPost("/{conversationId:long}/messages", Send);
        group.MapGet("/{conversationId:long}/messages", ListMessages);
        group.MapPatch("/{conversationId:long}/messages/{messageId:long}", EditMessage).Validate<EditMessageRequest>();
        group.MapDelete("/{conversationId:long}/messages/{messageId:long}", DeleteMessage);
        return app;
    }

    private static async Task<IResult> Open(CreateConversationRequest req, ClaimsPrincipal user, ConversationService conversations, CancellationToken ct)
    {
        var (conversation, created, error) = await conversations.OpenAsync(user.UserId(), req, ct);
        if (error is not null) return error.ToResult();
        return created ? Results.Created($"/api/conversations/{conversation!.Id}", conversation) : Results.Ok(conversation);
    }

    private static async Task<IResult> List(string? before, string? limit, ClaimsPrincipal user, ConversationService conversations, CancellationToken ct)
    {
        var (page, error) = PageRequest.Parse(before, null, limit);
        return error is not null ? error.ToResult() : Results.Ok(await conversations.ListAsync(user.UserId(), page, ct));
    }

    private static async Task<IResult> AddParticipant(long conversationId, AddParticipantRequest req, ClaimsPrincipal user, ConversationService conversations,
        CancellationToken ct)
    {
        var (conversation, error) = await conversations.AddParticipantAsync(user.UserId(), conversationId, req.UserId!.Value, ct);
        return error is not null ? error.ToResult() : Results.Ok(conversation);
    }

    private static async Task<IResult> Leave(long conversationId, ClaimsPrincipal user, ConversationService conversations, CancellationToken ct) =>
        await conversations.LeaveAsync(user.UserId(), conversationId, ct) is { } error ? error.ToResult() : Results.NoContent();

    // The service validates (the real-time path has no endpoint filter), so Send has no .Validate<>().
    private static async Task<IResult> Send(long conversationId, SendMessageRequest req, ClaimsPrincipal user, DirectMessageService messages, HttpContext http) =>
        req.Attachments is { Count: > 0 }
            ? ApiError.Field("attachments", "Direct messages do not take attachments yet.").ToResult()
            : (await messages.SendAsync(user.UserId(), conversationId, req.Content, req.Nonce, http.RequestAborted))
            .ToHttp(http, m => $"/api/conversations/{m.ConversationId}/messages/{m.Id}");

    private static async Task<IResult> ListMessages(long conversationId, string? before, string? after, string? limit, ClaimsPrincipal user,
        DirectMessageService messages, CancellationToken ct)
    {
        var (page, error) = PageRequest.Parse(before, after, limit);
        if (error is not null) return error.ToResult();
        var (result, denied) = await messages.ListAsync(user.UserId(), conversationId, page, ct);
        return denied is not null ? denied.ToResult() : Results.Ok(result);
    }

    private static async Task<IResult> EditMessage(long conversationId, long messageId, EditMessageRequest req, ClaimsPrincipal user,
        DirectMessageService messages, CancellationToken ct)
    {
        var (message, error) = await messages.EditAsync(user.UserId(), conversationId, messageId, req.Content!, ct);
        return error is not null ? error.ToResult() : Results.Ok(message);
    }

    private static async Task<IResult> DeleteMessage(long conversationId, long messageId, ClaimsPrincipal user, DirectMessageService messages, CancellationToken ct) =>
        await messages.DeleteAsync(user.UserId(), conversationId, messageId, ct) is { } error ? error.ToResult() : Results.NoContent();
}
