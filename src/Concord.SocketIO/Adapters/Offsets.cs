using System.Text;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO.Adapters;

/// <summary>Broadcast offsets: "N" (in-memory counter) or "ms-seq" (Redis stream entry id), both increasing.</summary>
internal static class Offsets
{
    public static int Compare(string a, string b)
    {
        var (a1, a2) = Parse(a);
        var (b1, b2) = Parse(b);
        return a1 != b1 ? a1.CompareTo(b1) : a2.CompareTo(b2);
    }

    public static bool TryParse(string offset, out long major, out long minor)
    {
        var dash = offset.IndexOf('-');
        minor = 0;
        return dash < 0
            ? long.TryParse(offset, out major)
            : long.TryParse(offset.AsSpan(0, dash), out major) & long.TryParse(offset.AsSpan(dash + 1), out minor);
    }

    private static (long, long) Parse(string offset) => TryParse(offset, out var major, out var minor) ? (major, minor) : (-1, -1);

    /// <summary>
    /// Appends <paramref name="offset"/> as the last argument of an EVENT encoded without it: the
    /// text ends with the argument array's closing bracket. Done once per node, not per recipient.
    /// </summary>
    public static EncodedPacket Stamp(ReadOnlyMemory<byte> text, ReadOnlyMemory<byte>[] attachments, string offset)
    {
        var tail = Encoding.ASCII.GetBytes($",\"{offset}\"]");
        var bytes = new byte[text.Length - 1 + tail.Length];
        text.Span[..^1].CopyTo(bytes);
        tail.CopyTo(bytes.AsSpan(text.Length - 1));
        return new EncodedPacket(bytes, attachments);
    }
}
