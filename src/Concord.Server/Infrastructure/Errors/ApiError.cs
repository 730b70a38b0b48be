namespace Concord.Server.Infrastructure.Errors;

/// <summary>
/// A failure a handler or service reports on purpose. Services shared by REST and real-time events
/// return or throw it; the REST side turns it into problem+json, the real-time side into an ack error.
/// </summary>
public sealed record ApiError(ErrorCode Code, string? Detail = null, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static ApiError NotFound(string what) => new(ErrorCode.NotFound, $"{what} not found.");
    public static ApiError Forbidden(string? detail = null) => new(ErrorCode.Forbidden, detail);
    public static ApiError Conflict(string detail) => new(ErrorCode.Conflict, detail);
    public static ApiError Field(string field, string message) =>
        new(ErrorCode.ValidationFailed, null, new Dictionary<string, string[]> { [field] = [message] });

    public IResult ToResult() => Problems.Result(this);
}

/// <summary>Thrown by services where returning an <see cref="ApiError"/> would be clumsy; mapped centrally.</summary>
public sealed class ApiException(ApiError error) : Exception(error.Detail ?? error.Code.Title())
{
    public ApiError Error { get; } = error;
}
