using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// A small read-only string map kept as one array of pairs, looked up linearly. A request's
/// headers, query and cookies are a handful of entries that live as long as the session: a
/// <see cref="Dictionary{TKey,TValue}"/> costs an object, a bucket array and an entry array with
/// slack for each, this an object and one exact array (or nothing, when empty).
/// </summary>
internal sealed class CompactMap : IReadOnlyDictionary<string, string>
{
    public static readonly CompactMap EmptyOrdinal = new([], StringComparer.Ordinal);

    private readonly KeyValuePair<string, string>[] _items;
    private readonly StringComparer _comparer;

    /// <summary>Wraps <paramref name="items"/> (keys already unique under <paramref name="comparer"/>).</summary>
    private CompactMap(KeyValuePair<string, string>[] items, StringComparer comparer)
    {
        _items = items;
        _comparer = comparer;
    }

    /// <summary>Copies pairs; a later duplicate key replaces the earlier value, as an indexer assignment would.</summary>
    public static CompactMap From(IEnumerable<KeyValuePair<string, string>> pairs, int capacity, StringComparer comparer)
    {
        if (capacity == 0) return new CompactMap([], comparer);
        var items = new KeyValuePair<string, string>[capacity];
        var count = 0;
        foreach (var pair in pairs)
        {
            var index = IndexOf(items.AsSpan(0, count), pair.Key, comparer);
            if (index >= 0) items[index] = pair;
            else
            {
                if (count == items.Length) Array.Resize(ref items, count * 2);
                items[count++] = pair;
            }
        }
        if (count != items.Length) Array.Resize(ref items, count);
        return new CompactMap(items, comparer);
    }

    /// <summary>Wraps pairs whose keys are already unique under <paramref name="comparer"/>; the array is kept, not copied.</summary>
    public static CompactMap Wrap(KeyValuePair<string, string>[] items, StringComparer comparer) => new(items, comparer);

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, string>> items, string key, StringComparer comparer)
    {
        for (var i = 0; i < items.Length; i++)
            if (comparer.Equals(items[i].Key, key)) return i;
        return -1;
    }

    public int Count => _items.Length;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not present.");

    public IEnumerable<string> Keys => _items.Select(static p => p.Key);

    public IEnumerable<string> Values => _items.Select(static p => p.Value);

    public bool ContainsKey(string key) => IndexOf(_items, key, _comparer) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(_items, key, _comparer);
        value = index >= 0 ? _items[index].Value : null;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
