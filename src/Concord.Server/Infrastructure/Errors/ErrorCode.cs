namespace Concord.Server.Infrastructure.Errors;

/// <summary>
/// The one error catalogue. REST answers map it to problem+json; real-time acks carry the same <see cref="ErrorCodes.Wire"/> code.
/// </summary>
public enum ErrorCode
{
    ValidationFailed,
    BadRequest,
    Unauthorized,
    Forbidden,
    CsrfTokenInvalid,
    OriginNotAllowed,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    /// <summary>A dependency (database, Redis) is down or too slow: retry later (503 with Retry-After).</summary>
    Unavailable,
    Internal,
}

public static class ErrorCodes
{
    public static int Status(this ErrorCode code) => code switch
    {
        ErrorCode.ValidationFailed or ErrorCode.BadRequest => StatusCodes.Status400BadRequest,
        ErrorCode.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCode.Forbidden or ErrorCode.CsrfTokenInvalid or ErrorCode.OriginNotAllowed => StatusCodes.Status403Forbidden,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.Conflict => StatusCodes.Status409Conflict,
        ErrorCode.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCode.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The stable snake_case code clients switch on.</summary>
    public static string Wire(this ErrorCode code) => code switch
    {
        ErrorCode.ValidationFailed => "validation_failed",
        ErrorCode.BadRequest => "bad_request",
        ErrorCode.Unauthorized => "unauthorized",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.CsrfTokenInvalid => "csrf_token_invalid",
        ErrorCode.OriginNotAllowed => "origin_not_allowed",
        ErrorCode.NotFound => "not_found",
        ErrorCode.Conflict => "conflict",
        ErrorCode.PayloadTooLarge => "payload_too_large",
        ErrorCode.UnsupportedMediaType => "unsupported_media_type",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.Unavailable => "unavailable",
        _ => "internal_error",
    };

    public static string Title(this ErrorCode code) => code switch
    {
        ErrorCode.ValidationFailed => "One or more fields are invalid.",
        ErrorCode.BadRequest => "The request is malformed.",
        ErrorCode.Unauthorized => "Authentication is required.",
        ErrorCode.Forbidden => "You do not have permission to do this.",
        ErrorCode.CsrfTokenInvalid => "Missing or invalid CSRF token.",
        ErrorCode.OriginNotAllowed => "Requests from this origin are not allowed.",
        ErrorCode.NotFound => "Not found.",
        ErrorCode.Conflict => "The request conflicts with the current state.",
        ErrorCode.PayloadTooLarge => "The request body is too large.",
        ErrorCode.UnsupportedMediaType => "The request body must be application/json.",
        ErrorCode.RateLimited => "Too many requests.",
        ErrorCode.Unavailable => "A service Concord depends on is unavailable; try again shortly.",
        _ => "An unexpected error occurred.",
    };
}
