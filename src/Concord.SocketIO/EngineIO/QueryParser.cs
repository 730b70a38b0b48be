using Microsoft.AspNetCore.WebUtilities;

namespace Concord.SocketIO.EngineIO;

/// <summary>
/// Parses a request's query string the way <c>HttpRequest.Query</c> does (names decoded and compared
/// ignoring case, repeated names joined with ","), into the exact array a <see cref="CompactMap"/> keeps.
/// Reading <c>HttpRequest.Query</c> instead makes ASP.NET Core cache a query feature and collection on the
/// request (~300 bytes), and a WebSocket's request lives as long as its connection.
/// </summary>
internal static class QueryParser
{
    public static KeyValuePair<string, string>[] Parse(string? queryString)
    {
        if (string.IsNullOrEmpty(queryString) || queryString == "?") return [];
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in new QueryStringEnumerable(queryString))
        {
            var name = Known(pair.DecodeName().Span);
            var value = Known(pair.DecodeValue().Span);
            var index = IndexOf(pairs, name);
            if (index < 0) pairs.Add(KeyValuePair.Create(name, value));
            else pairs[index] = KeyValuePair.Create(pairs[index].Key, pairs[index].Value + "," + value);
        }
        return [.. pairs];
    }

    /// <summary>The value of <paramref name="name"/> (ignoring case), or "" as <c>Query[name].ToString()</c> gives.</summary>
    public static string Get(KeyValuePair<string, string>[] query, string name)
    {
        foreach (var (key, value) in query)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return "";
    }

    // Every Engine.IO request carries these; the session keeps its query, so they are shared, not copied.
    private static readonly string[] KnownStrings = ["EIO", "4", "transport", "websocket", "polling", "sid", "t"];

    private static string Known(ReadOnlySpan<char> text)
    {
        foreach (var known in KnownStrings)
            if (text.SequenceEqual(known)) return known;
        return text.ToString();
    }

    private static int IndexOf(List<KeyValuePair<string, string>> pairs, string name)
    {
        for (var i = 0; i < pairs.Count; i++)
            if (string.Equals(pairs[i].Key, name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
