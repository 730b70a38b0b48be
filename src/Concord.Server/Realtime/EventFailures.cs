using System.Diagnostics;
using Concord.Server.Infrastructure.Errors;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// What the gateway does when an event handler throws: the client's ack is answered all the same (a client awaiting
/// <c>emitWithAck</c> must never wait forever), with the REST codes — the service's own <see cref="ApiError"/>,
/// <c>unavailable</c> for a database or Redis outage, else <c>internal_error</c> — and a trace id that finds the log line.
/// Nothing of the exception reaches the client.
/// </summary>
internal sealed partial class EventFailures(ILogger<EventFailures> logger)
{
    public void Answer(SocketIOEvent e, SocketUser user, Exception exception)
    {
        // The socket went away and its abort token stopped the handler: nobody is left to answer, and nothing failed.
        if (exception is OperationCanceledException && e.Socket.Disconnected.IsCancellationRequested) return;
        if (exception is ApiException api)
        {
            e.Ack(Ack.Error(api.Error));
            return;
        }
        var traceId = Activity.Current?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();
        ApiError error;
        if (DependencyFailures.Classify(exception) is { } dependency)
        {
            LogUnavailable(logger, e.Name, user.UserId, dependency, traceId, exception.GetType().Name, exception.Message);
            error = new ApiError(ErrorCode.Unavailable);
        }
        else
        {
            LogFailed(logger, exception, e.Name, user.UserId, traceId);
            error = new ApiError(ErrorCode.Internal);
        }
        e.Ack(Ack.Error(error, traceId));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventName} of user {UserId}: dependency {Dependency} unavailable (trace {TraceId}): {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogUnavailable(ILogger logger, string eventName, long userId, string dependency, string traceId, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventName} of user {UserId} failed (trace {TraceId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string eventName, long userId, string traceId);
}
