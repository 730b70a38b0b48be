using System.Text.Json;
using Concord.Server.Infrastructure.Errors;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Infrastructure.Validation;
using Concord.Server.Realtime.Contracts;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>One client event being handled: who sent it, its validated payload, and services for this event.</summary>
public sealed class EventCall<TPayload>(SocketIOEvent e, SocketUser user, TPayload payload, IServiceScopeFactory scopes) : IAsyncDisposable
    where TPayload : class
{
    private AsyncServiceScope? _scope;

    public SocketIOSocket Socket => e.Socket;
    public SocketUser User => user;
    public TPayload Payload => payload;
    /// <summary>Cancelled once the socket is gone (<see cref="SocketIOSocket.Disconnected"/>): pass it to reads; writes run to completion so their events go out.</summary>
    public CancellationToken Aborted => e.Socket.Disconnected;

    /// <summary>A service from a scope of this event's own (created on first use, disposed after the handler): feature services, DbContext-backed.</summary>
    public T Service<T>() where T : notnull => (_scope ??= scopes.CreateAsyncScope()).ServiceProvider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _scope?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Registers a handler for a catalogue entry. Before it runs: the socket's event budget (over it, <c>rate_limited</c>), then
/// the payload is bound to the entry's record and checked by its validator (<c>validation_failed</c> naming the field, as
/// REST's 400). The handler's reply is the ack; a handler that throws is answered too (<see cref="EventFailures"/>): every
/// event that carries an ack gets exactly one.
/// </summary>
public static class GatewayEvents
{
    private static readonly JsonSerializerOptions Json = IdServiceExtensions.ConfigureJson(new JsonSerializerOptions(JsonSerializerDefaults.Web));
    private static readonly ApiError NotServed = new(ErrorCode.Unauthorized, "This connection was not resumed: sign in again.");
    private static readonly ApiError TooMany = new(ErrorCode.RateLimited, "Too many events from this connection; slow down.");

    /// <summary>
    /// For every socket of the namespace, registered once (the socket's <see cref="SocketUser"/> is its <c>Data</c>): an
    /// idle connection then holds no delegate or closure per event (~3 KB per connection with the gateway's events,
    /// measured with tools/gateway-idle-heap.sh). A socket's events are handled once <see cref="ChatGateway"/> made it
    /// ready (<see cref="SocketUser.Gateway"/> set); before that — a recovered socket whose user is being re-checked — they
    /// wait for the check, then run, or are answered <c>unauthorized</c> when the socket was refused.
    /// </summary>
    public static void On<TPayload, TAck>(this SocketIONamespace nsp, ClientEvent<TPayload, TAck> contract,
        Func<EventCall<TPayload>, Task<Reply<TAck>>> handler)
        where TPayload : class
        where TAck : SuccessAck =>
        nsp.On(contract.Name, e => e.Socket.Data switch
        {
            SocketUser { Gateway: not null } user => HandleAsync(e, user, contract, handler),
            SocketUser user => WhenReadyAsync(e, user, contract, handler),
            _ => Task.CompletedTask,
        });

    private static async Task WhenReadyAsync<TPayload, TAck>(SocketIOEvent e, SocketUser user, ClientEvent<TPayload, TAck> contract,
        Func<EventCall<TPayload>, Task<Reply<TAck>>> handler)
        where TPayload : class
        where TAck : SuccessAck
    {
        if (user.Ready is { } ready) await ready;
        if (user.Gateway is not null) await HandleAsync(e, user, contract, handler);
        else e.Ack(Ack.Error(NotServed));
    }

    private static async Task HandleAsync<TPayload, TAck>(SocketIOEvent e, SocketUser user, ClientEvent<TPayload, TAck> contract,
        Func<EventCall<TPayload>, Task<Reply<TAck>>> handler)
        where TPayload : class
        where TAck : SuccessAck
    {
        if (user.Budget?.TryTake() == false)
        {
            e.Ack(Ack.Error(TooMany));
            return;
        }
        try
        {
            var error = Bind(e, contract, out var payload);
            if (error is null && contract.Validator is { } validator)
            {
                var result = validator.Validate(payload!);
                if (!result.IsValid) error = ValidationFailed(result);
            }
            if (error is not null)
            {
                e.Ack(Ack.Error(error));
                return;
            }
            await using var call = new EventCall<TPayload>(e, user, payload!, user.Gateway!.Scopes);
            var reply = await handler(call);
            e.Ack(reply.Error is { } failed ? Ack.Error(failed) : reply.Value);
        }
        catch (Exception ex)
        {
            if (user.Gateway?.Failures is { } failures) failures.Answer(e, user, ex);
            else e.Ack(Ack.Error(new ApiError(ErrorCode.Internal)));
        }
    }

    /// <summary>As REST's 400: messages per field, fields named as on the wire (camelCase), whenever the validator was built.</summary>
    private static ApiError ValidationFailed(FluentValidation.Results.ValidationResult result) => new(ErrorCode.ValidationFailed, null,
        result.Errors.GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));

    /// <summary>The payload as <typeparamref name="TPayload"/>: an absent or null argument reads as <c>{}</c>, so the validator names what is missing.</summary>
    private static ApiError? Bind<TPayload, TAck>(SocketIOEvent e, ClientEvent<TPayload, TAck> contract, out TPayload? payload)
        where TPayload : class where TAck : SuccessAck
    {
        payload = null;
        if (typeof(TPayload) == typeof(NoPayload))
        {
            payload = (TPayload)(object)NoPayload.Instance;
            return null;
        }
        var present = e.Args.Count > 0 && e.Args[0].ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
        if (present && e.Args[0].ValueKind != JsonValueKind.Object) return Ack.BadPayload;
        try
        {
            payload = present ? e.Args.Get<TPayload>(0) : JsonSerializer.Deserialize<TPayload>("{}", Json);
        }
        catch (ForbiddenTextException forbidden)
        {
            return ErrorHandling.FromForbiddenText(forbidden);
        }
        catch (JsonException json)
        {
            var field = ErrorHandling.JsonPathToField(json.Path);
            return field.Length > 0 ? ApiError.Field(field, "Has the wrong type.") : Ack.BadPayload;
        }
        return payload is null ? Ack.BadPayload : null;
    }
}

/// <summary>What every socket's handlers share on this node: the service scopes and the failure answers.</summary>
internal sealed class GatewayContext(IServiceScopeFactory scopes, EventFailures failures)
{
    public IServiceScopeFactory Scopes => scopes;
    public EventFailures Failures => failures;
}
