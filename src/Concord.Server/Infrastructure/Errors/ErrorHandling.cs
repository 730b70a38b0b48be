using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Concord.Server.Infrastructure.Errors;

/// <summary>Turns every exception and bare error status into problem+json; unknown exceptions become a 500 that reveals nothing.</summary>
public static partial class ErrorHandling
{
    public static WebApplicationBuilder AddConcordErrors(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        // Binding failures (malformed JSON, wrong types, wrong content type, too large) throw so that the
        // handler below can name the field instead of answering an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ConcordExceptionHandler>();
        return builder;
    }

    public static WebApplication UseConcordErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 401/403/404/405 answers from the framework (auth challenges, unmatched routes) get a body too.
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0) return;
            var code = http.Response.StatusCode switch
            {
                401 => ErrorCode.Unauthorized,
                403 => ErrorCode.Forbidden,
                404 => ErrorCode.NotFound,
                413 => ErrorCode.PayloadTooLarge,
                415 => ErrorCode.UnsupportedMediaType,
                429 => ErrorCode.RateLimited,
                >= 500 => ErrorCode.Internal,
                _ => ErrorCode.BadRequest,
            };
            await Problems.WriteAsync(http, new ApiError(code), http.Response.StatusCode); // keep e.g. 405 as it was
        });
        return app;
    }

    internal static ApiError FromBadRequest(BadHttpRequestException ex)
    {
        if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge) return new ApiError(ErrorCode.PayloadTooLarge);
        if (ex.StatusCode == StatusCodes.Status415UnsupportedMediaType) return new ApiError(ErrorCode.UnsupportedMediaType);
        if (ex.InnerException is Validation.ForbiddenTextException forbidden) return FromForbiddenText(forbidden);
        if (ex.InnerException is JsonException json)
        {
            var field = JsonPathToField(json.Path);
            // Syntax errors come from the reader (a JsonException subclass); a plain JsonException with a path
            // is a value of the wrong type, from the serializer or from a converter such as the id converter.
            var wrongType = json.GetType() == typeof(JsonException);
            return wrongType && field.Length > 0
                ? ApiError.Field(field, "Has the wrong type.")
                : new ApiError(ErrorCode.BadRequest, "The request body is not valid JSON.");
        }
        if (ex.Message.StartsWith("Required parameter", StringComparison.Ordinal) || ex.Message.Contains("body was empty", StringComparison.OrdinalIgnoreCase))
            return new ApiError(ErrorCode.BadRequest, "A JSON request body is required.");
        return new ApiError(ErrorCode.BadRequest, "The request could not be read.");
    }

    /// <summary>A string breaking the user-text rule: 400 naming the field, as a validator would.</summary>
    internal static ApiError FromForbiddenText(Validation.ForbiddenTextException ex) =>
        JsonPathToField(ex.Path) is { Length: > 0 } field
            ? ApiError.Field(field, Validation.UserText.Message)
            : new ApiError(ErrorCode.ValidationFailed, Validation.UserText.Message);

    /// <summary>"$.profile.userName" → "profile.userName"; "$" → "".</summary>
    internal static string JsonPathToField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private sealed partial class ConcordExceptionHandler(ILogger<ConcordExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            var error = exception switch
            {
                ApiException api => api.Error,
                Validation.ForbiddenTextException forbidden => FromForbiddenText(forbidden),
                System.Text.Json.JsonException => new ApiError(ErrorCode.BadRequest, "The request body is not valid JSON."),
                BadHttpRequestException bad => FromBadRequest(bad),
                _ => null,
            };
            if (error is null && DependencyFailures.Classify(exception) is { } dependency)
            {
                LogUnavailable(logger, dependency, Observability.RequestObservation.TraceId(http), exception.GetType().Name, exception.Message);
                error = new ApiError(ErrorCode.Unavailable);
            }
            if (error is null)
            {
                LogUnhandled(logger, exception, Observability.RequestObservation.TraceId(http));
                error = new ApiError(ErrorCode.Internal);
            }
            if (http.Response.HasStarted) return false;
            await Problems.WriteAsync(http, error);
            return true;
        }

        // No stack trace: an outage fails every request the same way, and the dependency's own alert says why.
        [LoggerMessage(Level = LogLevel.Warning, Message = "Dependency {Dependency} unavailable (trace {TraceId}): {ExceptionType}: {ExceptionMessage}")]
        private static partial void LogUnavailable(ILogger logger, string dependency, string traceId, string exceptionType, string exceptionMessage);

        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception (trace {TraceId})")]
        private static partial void LogUnhandled(ILogger logger, Exception exception, string traceId);
    }
}
