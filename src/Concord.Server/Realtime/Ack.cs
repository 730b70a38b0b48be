using Concord.Server.Infrastructure.Errors;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Realtime;

/// <summary>Failed acks: <c>{ok: false, error: {code, message, errors?}}</c> with the REST error codes (<see cref="ErrorAck"/>).</summary>
public static class Ack
{
    public static ErrorAck Error(ApiError error) =>
        new(new AckError(error.Code.Wire(), error.Detail ?? error.Code.Title(), error.Errors));

    /// <summary>A failure the server logged: the ack carries the log line's trace id, as a 500's problem+json does.</summary>
    public static ErrorAck Error(ApiError error, string traceId) =>
        new(new AckError(error.Code.Wire(), error.Detail ?? error.Code.Title(), TraceId: traceId));

    public static readonly ApiError BadPayload = new(ErrorCode.ValidationFailed, "The event payload is missing or malformed.");
}
