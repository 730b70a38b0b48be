using System.Text.Json.Serialization;
using Concord.Server.Infrastructure.Errors;
using FluentValidation;

namespace Concord.Server.Realtime.Contracts;

/// <summary>A server→client event of the catalogue (<see cref="ServerEvents"/>): its wire name, payload type and audience.</summary>
public interface IServerEvent
{
    /// <summary>The event name on the wire.</summary>
    string Name { get; }
    /// <summary>The payload record the event carries (its one argument).</summary>
    Type Payload { get; }
    /// <summary>Which room(s) receive it, as docs/realtime.md names them (e.g. <c>channel:&lt;id&gt;</c>).</summary>
    string Audience { get; }
    /// <summary>One sentence for the AsyncAPI document.</summary>
    string Summary { get; }
}

/// <summary>A server→client event whose payload is <typeparamref name="TPayload"/>; emit it with <see cref="TypedEmits"/> or <see cref="IRealtimeEvents"/>.</summary>
public sealed record ServerEvent<TPayload>(string Name, string Audience, string Summary) : IServerEvent where TPayload : notnull
{
    public Type Payload => typeof(TPayload);

    /// <summary>This event with its payload, ready to publish or stage in the outbox.</summary>
    public OutgoingEvent With(TPayload payload) => new(this, payload);
}

/// <summary>
/// A catalogue event with its payload. Made only by <see cref="ServerEvent{TPayload}.With"/> (or by the outbox relay from a
/// row that was staged that way), so what is published always matches the catalogue.
/// </summary>
public sealed class OutgoingEvent
{
    internal OutgoingEvent(IServerEvent contract, object payload) => (Contract, Payload) = (contract, payload);

    public IServerEvent Contract { get; }
    public object Payload { get; }
    public string Name => Contract.Name;
}

/// <summary>A client→server event of the catalogue (<see cref="ClientEvents"/>): its wire name, payload, validator and ack.</summary>
public interface IClientEvent
{
    string Name { get; }
    /// <summary>The payload record, or <see cref="NoPayload"/> for an event sent without arguments.</summary>
    Type Payload { get; }
    /// <summary>The success ack (<c>{ok: true, …}</c>); a failure is always <see cref="ErrorAck"/>.</summary>
    Type Ack { get; }
    string Summary { get; }
}

/// <summary>
/// A client→server event: the payload is bound to <typeparamref name="TPayload"/> and checked by <see cref="Validator"/>
/// (FluentValidation, the REST rules and error shape) before any handler runs; the handler answers <typeparamref name="TAck"/>
/// or an <see cref="ApiError"/>. Register a handler with <see cref="GatewayEvents.On{TPayload, TAck}"/>.
/// </summary>
public sealed record ClientEvent<TPayload, TAck>(string Name, IValidator<TPayload>? Validator, string Summary) : IClientEvent
    where TPayload : class
    where TAck : SuccessAck
{
    public Type Payload => typeof(TPayload);
    public Type Ack => typeof(TAck);
}

/// <summary>The payload of an event sent without arguments (<c>join-servers</c>, <c>leave-call</c>); anything sent is ignored.</summary>
public sealed record NoPayload
{
    public static readonly NoPayload Instance = new();
}

/// <summary>Every successful ack: <c>{ok: true, …}</c> with the fields of the derived record.</summary>
public abstract record SuccessAck
{
    [JsonPropertyOrder(-1)]
    public bool Ok => true;
}

/// <summary><c>{ok: true}</c>.</summary>
public sealed record OkAck : SuccessAck
{
    public static readonly OkAck Instance = new();
}

/// <summary>Every failed ack: <c>{ok: false, error: {code, message, errors?, traceId?}}</c>, with the REST error codes.</summary>
public sealed record ErrorAck(AckError Error)
{
    [JsonPropertyOrder(-1)]
    public bool Ok => false;
}

/// <param name="Code">The REST API's error code (<c>validation_failed</c>, <c>not_found</c>, …).</param>
/// <param name="Errors">For <c>validation_failed</c>: messages per field, as REST's problem+json <c>errors</c>.</param>
/// <param name="TraceId">For a failure the server logged (<c>internal_error</c>, <c>unavailable</c>): finds the log line.</param>
public sealed record AckError(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceId = null);

/// <summary>What a handler answers: the success ack or an <see cref="ApiError"/> (turned into <see cref="ErrorAck"/>).</summary>
public readonly struct Reply<TAck> where TAck : SuccessAck
{
    private Reply(TAck? value, ApiError? error) => (Value, Error) = (value, error);

    public TAck? Value { get; }
    public ApiError? Error { get; }

    public static implicit operator Reply<TAck>(TAck value) => new(value, null);
    public static implicit operator Reply<TAck>(ApiError error) => new(null, error);
}
