using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Runtime;

// Usage: Concord.HeapAttribution <baseline.dmp> <loaded.dmp> <connections> [types per group = 12]
// Live objects (reachable from roots) of both dumps, by type and owner; the difference divided by the number
// of connections. "Ours" is what is reachable only through Concord objects: marking from the roots without
// entering any object whose type names a Concord type leaves exactly the rest.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Concord.HeapAttribution <baseline.dmp> <loaded.dmp> <connections> [types per group]");
    return 2;
}
var connections = int.Parse(args[2]);
var top = args.Length > 3 ? int.Parse(args[3]) : 12;
var before = Census(args[0]);
var after = Census(args[1]);

var rows = after.Keys.Union(before.Keys)
    .Select(key => (key.Owner, key.Type, Bytes: (after.GetValueOrDefault(key).Bytes - before.GetValueOrDefault(key).Bytes) / (double)connections,
        Count: (after.GetValueOrDefault(key).Count - before.GetValueOrDefault(key).Count) / (double)connections))
    .Where(r => Math.Abs(r.Bytes) >= 0.5)
    .GroupBy(r => Group(r.Owner, r.Type))
    .OrderByDescending(g => g.Sum(r => r.Bytes));
Console.WriteLine($"bytes per connection ({connections:N0} connections)");
foreach (var group in rows)
{
    Console.WriteLine($"{group.Sum(r => r.Bytes),8:0} B  {group.Key}");
    foreach (var row in group.OrderByDescending(r => r.Bytes).Take(top))
        Console.WriteLine($"      {row.Bytes,6:0} B {row.Count,5:0.##}×  {row.Type}");
}
Console.WriteLine($"{rows.Sum(g => g.Sum(r => r.Bytes)),8:0} B  total");
return 0;

static Dictionary<(bool Owner, string Type), (long Bytes, long Count)> Census(string dumpPath)
{
    using var target = DataTarget.LoadDump(dumpPath);
    var clr = target.ClrVersions[0];
    // The DAC of the runtime that wrote the dump: the same install runs this tool.
    var dac = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "libmscordaccore.so");
    using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
    var heap = runtime.Heap;
    var roots = heap.EnumerateRoots().Select(r => r.Object.Address).Where(a => a != 0).ToArray();
    var live = Mark(heap, roots, enterConcord: true);
    var withoutConcord = Mark(heap, roots, enterConcord: false);
    var census = new Dictionary<(bool, string), (long, long)>();
    foreach (var address in live)
    {
        var obj = heap.GetObject(address);
        if (obj.Type?.Name is not { } name) continue;
        var key = (!withoutConcord.Contains(address), name);
        var (bytes, count) = census.GetValueOrDefault(key);
        census[key] = (bytes + (long)obj.Size, count + 1);
    }
    return census;
}

static HashSet<ulong> Mark(ClrHeap heap, ulong[] roots, bool enterConcord)
{
    var marked = new HashSet<ulong>();
    var stack = new Stack<ulong>(roots);
    while (stack.TryPop(out var address))
    {
        if (marked.Contains(address)) continue;
        var obj = heap.GetObject(address);
        if (!obj.IsValid) continue;
        if (!enterConcord && IsConcord(obj.Type?.Name)) continue;
        marked.Add(address);
        foreach (var reference in obj.EnumerateReferenceAddresses(carefully: false, considerDependantHandles: true))
            if (reference != 0 && !marked.Contains(reference)) stack.Push(reference);
    }
    return marked;
}

static bool IsConcord(string? type) => type?.Contains("Concord.") == true;

static string Group(bool ours, string type)
{
    if (ours) return type.Contains("Microsoft.AspNetCore") ? "Kestrel async frames kept alive by awaiting Concord's handler" : "Concord.SocketIO (and the app's handlers)";
    if (type.Contains("Kestrel.Core.Internal.Http.Http1Connection")) return "Kestrel HTTP/1.1 connection, pipes, headers, locks, tokens";
    if (Regex.IsMatch(type, "WebSocket|AbortStream") || type == "System.Byte[]") return "ManagedWebSocket and the WebSocket middleware";
    if (Regex.IsMatch(type, @"Microsoft\.AspNetCore\.(Http\.|Hosting)|Claims|QueryCollection")) return "ASP.NET Core HttpContext and features";
    if (Regex.IsMatch(type, @"Kestrel\.Transport\.Sockets|System\.Net\.Sockets|System\.Net\.IP|SocketError>")) return "socket transport";
    return "Kestrel HTTP/1.1 connection, pipes, headers, locks, tokens";
}
