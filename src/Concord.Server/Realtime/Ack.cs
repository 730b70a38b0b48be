using System.Diagnostics.CodeAnalysis;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Validation;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>Ack payloads: <c>{ok: true, ...}</c> or <c>{ok: false, error: {code, message}}</c> with the REST error codes.</summary>
public static class Ack
{
    public static object Ok() => new { ok = true };

    public static object Error(ApiError error) => new
    {
        ok = false,
        error = new
        {
            code = error.Code.Wire(),
            message = error.Detail ?? error.Code.Title(),
            errors = error.Errors,
        },
    };

    /// <summary>A failure the server logged: the ack carries the log line's trace id, as a 500's problem+json does.</summary>
    public static object Error(ApiError error, string traceId) => new
    {
        ok = false,
        error = new
        {
            code = error.Code.Wire(),
            message = error.Detail ?? error.Code.Title(),
            traceId,
        },
    };

    public static readonly ApiError BadPayload = new(ErrorCode.ValidationFailed, "The event payload is missing or malformed.");

    /// <summary>Reads the first argument as <typeparamref name="T"/>; null when absent or malformed.</summary>
    public static T? Payload<T>(this SocketIOEvent e) where T : class => e.TryPayload<T>(out var payload, out _) ? payload : null;

    /// <summary>
    /// Reads the first argument as <typeparamref name="T"/>, or says why not: a string breaking the user-text rule names
    /// its field (as REST's 400 does), anything else malformed is <see cref="BadPayload"/>.
    /// </summary>
    public static bool TryPayload<T>(this SocketIOEvent e, [NotNullWhen(true)] out T? payload, [NotNullWhen(false)] out ApiError? error) where T : class
    {
        payload = null;
        error = BadPayload;
        if (e.Args.Count == 0 || e.Args[0].ValueKind != System.Text.Json.JsonValueKind.Object) return false;
        try
        {
            payload = e.Args.Get<T>(0);
        }
        catch (ForbiddenTextException forbidden)
        {
            error = ErrorHandling.FromForbiddenText(forbidden);
            return false;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
        if (payload is null) return false;
        error = null;
        return true;
    }
}
