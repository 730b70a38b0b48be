namespace Concord.SocketIO.Adapters;

/// <summary>
/// A set of strings stored in one <c>object?</c> slot: null when empty, the string itself for one item, a
/// <see cref="HashSet{T}"/> from two on. Every socket is alone in the room named by its id and, while idle,
/// in no other room, so the adapter's two maps hold mostly one-item sets: this keeps them at no object at
/// all instead of a HashSet, its bucket array and its entry array (~170 bytes) each, twice per socket.
/// </summary>
internal readonly struct MemberSet(object? slot)
{
    public int Count => slot switch
    {
        null => 0,
        string => 1,
        _ => ((HashSet<string>)slot).Count,
    };

    public bool Contains(string item) => slot switch
    {
        null => false,
        string single => string.Equals(single, item, StringComparison.Ordinal),
        _ => ((HashSet<string>)slot).Contains(item),
    };

    /// <summary>Adds <paramref name="item"/> to the set in <paramref name="slot"/>.</summary>
    public static void Add(ref object? slot, string item)
    {
        switch (slot)
        {
            case null:
                slot = item;
                break;
            case string single:
                if (!string.Equals(single, item, StringComparison.Ordinal)) slot = new HashSet<string>(StringComparer.Ordinal) { single, item };
                break;
            default:
                ((HashSet<string>)slot).Add(item);
                break;
        }
    }

    /// <summary>Removes <paramref name="item"/>; true when the set is empty afterwards.</summary>
    public static bool Remove(ref object? slot, string item)
    {
        switch (slot)
        {
            case null:
                return true;
            case string single:
                if (string.Equals(single, item, StringComparison.Ordinal)) slot = null;
                return slot is null;
            default:
                var set = (HashSet<string>)slot;
                set.Remove(item);
                return set.Count == 0;
        }
    }

    public HashSet<string> ToHashSet() => slot switch
    {
        null => new HashSet<string>(StringComparer.Ordinal),
        string single => new HashSet<string>(StringComparer.Ordinal) { single },
        _ => new HashSet<string>((HashSet<string>)slot, StringComparer.Ordinal),
    };

    public Enumerator GetEnumerator() => new(slot);

    /// <summary>No allocation for the empty and one-item cases; the HashSet's own struct enumerator otherwise.</summary>
    public struct Enumerator(object? slot)
    {
        private HashSet<string>.Enumerator _set = slot is HashSet<string> set ? set.GetEnumerator() : default;
        private int _state; // 0: not started, 1: on the single item, 2: done

        public string Current { get; private set; } = null!;

        public bool MoveNext()
        {
            if (slot is HashSet<string>)
            {
                if (!_set.MoveNext()) return false;
                Current = _set.Current;
                return true;
            }
            if (_state != 0 || slot is null)
            {
                _state = 2;
                return false;
            }
            _state = 1;
            Current = (string)slot;
            return true;
        }
    }
}
