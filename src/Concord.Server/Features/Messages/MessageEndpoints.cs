using System.Security.Claims;
using Concord.Server.Infrastructure.Auth;
using Concord.Server.Infrastructure.Validation;

namespace Concord.Server.Features.Messages;

/// <summary>Channel messages. The handlers only translate HTTP; <see cref="MessageService"/> holds the rules.</summary>
public static class MessageEndpoints
{
    public static IEndpointRouteBuilder MapMessageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Messages").RequireAuthorization();
        group.MapPost("/channels/{channelId:long}/messages", Send);
        group.MapGet("/channels/{channelId:long}/messages", List);
        group.MapPatch("/messages/{messageId:long}", Edit).Validate<EditMessageRequest>();
        group.MapDelete("/messages/{messageId:long}", Delete);
        return app;
    }

    // The service validates (the real-time path has no endpoint filter), so Send has no .Validate<>().
    private static async Task<IResult> Send(long channelId, SendMessageRequest req, ClaimsPrincipal user, MessageService messages, HttpContext http) =>
        (await messages.SendAsync(user.UserId(), channelId, req, http.RequestAborted))
            .ToHttp(http, m => $"/api/messages/{m.Id}");

    private static async Task<IResult> List(long channelId, string? before, string? after, string? limit, ClaimsPrincipal user,
        MessageService messages, CancellationToken ct)
    {
        var (page, error) = PageRequest.Parse(before, after, limit);
        if (error is not null) return error.ToResult();
        var (result, denied) = await messages.ListAsync(user.UserId(), channelId, page, ct);
        return denied is not null ? denied.ToResult() : Results.Ok(result);
    }

    private static async Task<IResult> Edit(long messageId, EditMessageRequest req, ClaimsPrincipal user, MessageService messages, CancellationToken ct)
    {
        var (message, error) = await messages.EditAsync(user.UserId(), messageId, req.Content!, ct);
        return error is not null ? error.ToResult() : Results.Ok(message);
    }

    private static async Task<IResult> Delete(long messageId, ClaimsPrincipal user, MessageService messages, CancellationToken ct) =>
        await messages.DeleteAsync(user.UserId(), messageId, ct) is { } error ? error.ToResult() : Results.NoContent();
}
