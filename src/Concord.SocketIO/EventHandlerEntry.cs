using System.Collections.Concurrent;
using System.Text.Json;

namespace Concord.SocketIO;

/// <summary>
/// One registered event handler: its event name, the name as UTF-8 (to match received JSON in place) and the
/// delegate as given, a <c>Func&lt;SocketIOEvent, Task&gt;</c> or an <c>Action&lt;SocketIOEvent&gt;</c>. A socket
/// keeps its handlers as one flat array of these (copy-on-write, several entries may share a name): with the
/// usual handful of handlers registered in <c>OnConnection</c> for every socket, that array is all a socket
/// holds for them, where per-name objects, per-name handler arrays and a wrapper per synchronous handler cost
/// ~170 bytes per handler (measured with a heap dump of 5,000 idle sockets).
/// </summary>
internal readonly struct EventHandlerEntry(string name, Delegate handler)
{
    // Event names are a small fixed vocabulary; their UTF-8 bytes are shared by every socket. Bounded, so an
    // application that registers generated names does not grow it without limit (those get their own bytes).
    private static readonly ConcurrentDictionary<string, byte[]> Utf8Names = new(StringComparer.Ordinal);
    private const int MaxSharedNames = 1024;

    public string Name { get; } = name;
    public byte[] Utf8Name { get; } = Utf8Of(name);
    public Delegate Handler { get; } = handler;

    private static byte[] Utf8Of(string name)
    {
        if (Utf8Names.TryGetValue(name, out var bytes)) return bytes;
        bytes = System.Text.Encoding.UTF8.GetBytes(name);
        return Utf8Names.Count < MaxSharedNames ? Utf8Names.GetOrAdd(name, bytes) : bytes;
    }

    /// <summary>Runs the handler; its task, or a completed one for a synchronous handler.</summary>
    public Task Invoke(SocketIOEvent e)
    {
        if (Handler is Func<SocketIOEvent, Task> asynchronous) return asynchronous(e);
        ((Action<SocketIOEvent>)Handler)(e);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The index of the first entry for an event's name element (a string, or a number as the JS server
    /// allows), or -1. Entries after it with the same <see cref="Name"/> are that event's other handlers.
    /// </summary>
    public static int Find(EventHandlerEntry[] entries, JsonElement name)
    {
        if (entries.Length == 0) return -1;
        if (name.ValueKind == JsonValueKind.String)
        {
            // ValueEquals on UTF-8 compares the raw bytes when the JSON string has no escapes (unescaping otherwise).
            for (var i = 0; i < entries.Length; i++)
                if (name.ValueEquals(entries[i].Utf8Name)) return i;
            return -1;
        }
        var text = name.GetRawText();
        for (var i = 0; i < entries.Length; i++)
            if (string.Equals(entries[i].Name, text, StringComparison.Ordinal)) return i;
        return -1;
    }

    /// <summary>Appends <paramref name="entry"/> to a copy-on-write handler array (registration is rare, lookup per event).</summary>
    public static void Add(ref EventHandlerEntry[] handlers, EventHandlerEntry entry)
    {
        while (true)
        {
            var current = Volatile.Read(ref handlers);
            EventHandlerEntry[] updated = [.. current, entry];
            if (Interlocked.CompareExchange(ref handlers, updated, current) == current) return;
        }
    }

    /// <summary>The index of the next entry after <paramref name="index"/> with the same name, or -1.</summary>
    public static int Next(EventHandlerEntry[] entries, int index)
    {
        var name = entries[index].Name;
        for (var i = index + 1; i < entries.Length; i++)
            if (string.Equals(entries[i].Name, name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
