using System.Text.Json;

namespace Concord.SocketIO.Protocol;

/// <summary>The <c>{"_placeholder":true,"num":n}</c> objects that stand for binary attachments.</summary>
internal static class Placeholders
{
    public static bool TryGetIndex(JsonElement element, out int index)
    {
        index = -1;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("_placeholder", out var flag) || flag.ValueKind != JsonValueKind.True
            || !element.TryGetProperty("num", out var num))
            return false;
        if (num.ValueKind != JsonValueKind.Number || !num.TryGetInt32(out index)) index = -1;
        return true;
    }
}
