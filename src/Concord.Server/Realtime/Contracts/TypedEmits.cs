using Concord.SocketIO;

namespace Concord.Server.Realtime.Contracts;

/// <summary>Emits that take a catalogue entry and its payload record, so a name and its payload shape cannot part.</summary>
public static class TypedEmits
{
    public static Task Emit<TPayload>(this BroadcastOperator to, ServerEvent<TPayload> e, TPayload payload) where TPayload : notnull =>
        to.Emit(e.Name, payload);

    public static Task Emit(this BroadcastOperator to, OutgoingEvent e) => to.Emit(e.Name, e.Payload);

    public static ValueTask PublishAsync<TPayload>(this IRealtimeEvents realtime, string room, ServerEvent<TPayload> e, TPayload payload)
        where TPayload : notnull => realtime.PublishAsync([room], e.With(payload));

    public static ValueTask PublishAsync<TPayload>(this IRealtimeEvents realtime, IReadOnlyCollection<string> rooms, ServerEvent<TPayload> e, TPayload payload)
        where TPayload : notnull => realtime.PublishAsync(rooms, e.With(payload));
}
