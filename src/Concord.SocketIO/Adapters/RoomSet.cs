using System.Collections;

namespace Concord.SocketIO.Adapters;

/// <summary>
/// The small, immutable, ordinal set of room names a <see cref="BroadcastOperator"/> carries: an exact
/// array, so <c>io.To(room)</c> costs one two-field object instead of <c>ImmutableHashSet</c> nodes per emit.
/// Rooms per operation are a handful, so membership is a linear scan.
/// </summary>
internal sealed class RoomSet : IReadOnlySet<string>
{
    public static readonly RoomSet Empty = new([]);

    private readonly string[] _items;

    private RoomSet(string[] items) => _items = items;

    /// <summary>The rooms, distinct (read without an enumerator on the hot path).</summary>
    public ReadOnlySpan<string> Items => _items;

    public int Count => _items.Length;

    public bool Contains(string item) => Array.IndexOf(_items, item) >= 0 || ContainsOrdinal(item);

    private bool ContainsOrdinal(string item)
    {
        foreach (var room in _items)
            if (string.Equals(room, item, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>This set plus <paramref name="rooms"/>; this instance when nothing is added.</summary>
    public RoomSet Union(IEnumerable<string> rooms)
    {
        // The common io.To(room) case: one room into an empty set, no intermediate list.
        if (_items.Length == 0 && rooms is IReadOnlyList<string> { Count: 1 } single)
        {
            ArgumentNullException.ThrowIfNull(single[0], nameof(rooms));
            return new RoomSet([single[0]]);
        }
        List<string>? added = null;
        foreach (var room in rooms)
        {
            ArgumentNullException.ThrowIfNull(room, nameof(rooms));
            if (ContainsOrdinal(room) || added?.Contains(room, StringComparer.Ordinal) == true) continue;
            (added ??= []).Add(room);
        }
        if (added is null) return this;
        return new RoomSet([.. _items, .. added]);
    }

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private HashSet<string> ToHashSet() => new(_items, StringComparer.Ordinal);

    public bool IsProperSubsetOf(IEnumerable<string> other) => ToHashSet().IsProperSubsetOf(other);
    public bool IsProperSupersetOf(IEnumerable<string> other) => ToHashSet().IsProperSupersetOf(other);
    public bool IsSubsetOf(IEnumerable<string> other) => ToHashSet().IsSubsetOf(other);
    public bool IsSupersetOf(IEnumerable<string> other) => ToHashSet().IsSupersetOf(other);
    public bool Overlaps(IEnumerable<string> other)
    {
        foreach (var room in other)
            if (Contains(room)) return true;
        return false;
    }
    public bool SetEquals(IEnumerable<string> other) => ToHashSet().SetEquals(other);
}
