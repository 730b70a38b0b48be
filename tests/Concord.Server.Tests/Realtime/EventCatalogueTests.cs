using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Concord.Server.Realtime.Contracts;
using Concord.Server.Tests.Infrastructure;
using Concord.Tests.Shared;

namespace Concord.Server.Tests.Realtime;

/// <summary>The event catalogue against the documentation and the AsyncAPI document generated from it.</summary>
public sealed partial class EventCatalogueTests
{
    private static readonly string RealtimeDoc = File.ReadAllText(Path.Combine(NodeProcess.InteropDirectory, "..", "..", "docs", "realtime.md"));

    /// <summary>The event names in the first column of the table under <paramref name="heading"/> (a cell may name several).</summary>
    private static HashSet<string> DocumentedEvents(string heading)
    {
        var section = RealtimeDoc[(RealtimeDoc.IndexOf(heading, StringComparison.Ordinal) + heading.Length)..];
        var end = section.IndexOf("\n## ", StringComparison.Ordinal);
        if (end >= 0) section = section[..end];
        var names = new HashSet<string>();
        foreach (var line in section.Split('\n').Where(l => l.StartsWith('|') && !l.StartsWith("|---", StringComparison.Ordinal)).Skip(1))
            foreach (Match m in Name().Matches(line.Split('|')[1])) names.Add(m.Groups[1].Value);
        return names;
    }

    [GeneratedRegex("`([a-z-]+)`")]
    private static partial Regex Name();

    [Fact]
    public void EveryClientEventIsDocumentedAndEveryDocumentedOneIsInTheCatalogue()
    {
        var documented = DocumentedEvents("## Events from the client");
        var catalogue = ClientEvents.All.Select(e => e.Name).ToHashSet();
        Assert.Empty(catalogue.Except(documented)); // in the catalogue, missing from docs/realtime.md
        Assert.Empty(documented.Except(catalogue)); // documented, but no such event
    }

    [Fact]
    public void EveryServerEventIsDocumentedAndEveryDocumentedOneIsInTheCatalogue()
    {
        var documented = DocumentedEvents("## Events from the server");
        var catalogue = ServerEvents.All.Select(e => e.Name).ToHashSet();
        Assert.Empty(catalogue.Except(documented));
        Assert.Empty(documented.Except(catalogue));
    }

    [Fact]
    public void NamesAreUniqueAndEveryPayloadIsValidated()
    {
        Assert.Equal(ClientEvents.All.Count, ClientEvents.All.Select(e => e.Name).Distinct().Count());
        Assert.Equal(ServerEvents.All.Count, ServerEvents.All.Select(e => e.Name).Distinct().Count());
        // An event that takes a payload has a validator; one that takes none has nothing to validate.
        var fields = typeof(ClientEvents).GetFields().Where(f => f.GetValue(null) is IClientEvent).ToList();
        Assert.Equal(ClientEvents.All.Count, fields.Count);
        foreach (var field in fields)
        {
            var e = (IClientEvent)field.GetValue(null)!;
            var validator = field.FieldType.GetProperty("Validator")!.GetValue(e);
            Assert.True((e.Payload == typeof(NoPayload)) == (validator is null), $"{e.Name}: a payload needs a validator");
        }
        Assert.All(ServerEvents.All, e => Assert.Same(e, ServerEvents.Find(e.Name)));
    }

    private static readonly string ServerSource = Path.GetFullPath(Path.Combine(NodeProcess.InteropDirectory, "..", "..", "src", "Concord.Server"));

    /// <summary>The code of a source file without its comments' lines (a comment may name an event).</summary>
    private static IEnumerable<(string File, string Line)> CodeLines(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select(l => (File: Path.GetRelativePath(ServerSource, f), Line: l.Trim())))
            .Where(x => !x.Line.StartsWith("//", StringComparison.Ordinal) && !x.Line.StartsWith('*'));

    /// <summary>The boundary the catalogue exists for: names and shapes only in Realtime/Contracts, no database in the gateway.</summary>
    [Fact]
    public void NoEventNameIsWrittenOutsideTheCatalogueAndTheGatewayNeverQueriesTheDatabase()
    {
        var contracts = Path.Combine("Realtime", "Contracts");
        var names = ClientEvents.All.Select(e => e.Name).Concat(ServerEvents.All.Select(e => e.Name)).Distinct().Select(n => $"\"{n}\"").ToArray();
        var outside = CodeLines(ServerSource).Where(x => !x.File.StartsWith(contracts, StringComparison.Ordinal)).ToList();
        Assert.Empty(outside.Where(x => names.Any(n => x.Line.Contains(n, StringComparison.Ordinal))).Select(x => $"{x.File}: {x.Line}"));
        Assert.Empty(outside.Where(x => x.Line.Contains(".Emit(\"", StringComparison.Ordinal) || x.Line.Contains(".On(\"", StringComparison.Ordinal))
            .Select(x => $"{x.File}: {x.Line}"));
        Assert.Empty(CodeLines(Path.Combine(ServerSource, "Realtime"))
            .Where(x => x.Line.Contains("ConcordDbContext", StringComparison.Ordinal) || x.Line.Contains("EntityFrameworkCore", StringComparison.Ordinal))
            .Select(x => $"{x.File}: {x.Line}"));
    }

    [Fact]
    public async Task TheAsyncApiDocumentIsServedBesideOpenApiAndSwitchedOffWithIt()
    {
        using var on = new ConcordApp(Backend.Sqlite);
        var response = await on.CreateClient().GetAsync("/asyncapi/v1.json");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var doc = await response.JsonAsync();
        Assert.Equal("3.0.0", doc.GetProperty("asyncapi").GetString());
        var operations = doc.GetProperty("operations").EnumerateObject().Select(o => o.Name).ToHashSet();
        foreach (var e in ClientEvents.All) Assert.Contains($"client.{e.Name}", operations);
        foreach (var e in ServerEvents.All) Assert.Contains($"server.{e.Name}", operations);
        Assert.Equal(ClientEvents.All.Count + ServerEvents.All.Count, operations.Count);

        using var off = new ConcordApp(Backend.Sqlite, new Dictionary<string, string?> { ["Api:OpenApiEnabled"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await off.CreateClient().GetAsync("/asyncapi/v1.json")).StatusCode);
    }

    /// <summary>tests/interop/chat/asyncapi.test.mjs: ajv with the official AsyncAPI 3.0 schema from @asyncapi/specs.</summary>
    [Fact]
    public async Task TheAsyncApiDocumentValidatesAgainstTheAsyncApi30Schema()
    {
        using var app = new RealtimeApp(Backend.Sqlite);
        await NodeScenarios.RunAsync("asyncapi.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = app.Url });
    }

    /// <summary>Every property has a type (ids and text too, whose converters the exporter cannot see), except raw WebRTC JSON.</summary>
    [Fact]
    public void EveryPayloadPropertyHasATypeButRawSignals()
    {
        var untyped = new List<string>();
        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind == JsonValueKind.Array)
                foreach (var item in node.EnumerateArray()) Walk(item, path);
            if (node.ValueKind != JsonValueKind.Object) return;
            if (node.TryGetProperty("properties", out var properties))
                foreach (var p in properties.EnumerateObject())
                    if (!new[] { "type", "$ref", "enum", "oneOf", "anyOf" }.Any(k => p.Value.TryGetProperty(k, out _)) && p.Name is not ("sdp" or "candidate"))
                        untyped.Add($"{path}.{p.Name}");
            foreach (var p in node.EnumerateObject()) Walk(p.Value, $"{path}/{p.Name}");
        }
        Walk(JsonDocument.Parse(AsyncApiDocument.ToJson()).RootElement.GetProperty("components").GetProperty("schemas"), "");
        Assert.Empty(untyped);
    }

    [Fact]
    public void PayloadSchemasDescribeTheWireNames()
    {
        var doc = JsonDocument.Parse(AsyncApiDocument.ToJson()).RootElement;
        var message = doc.GetProperty("components").GetProperty("schemas").GetProperty("SendMessagePayload").GetProperty("properties");
        Assert.Equal(["channelId", "content", "nonce", "attachments"], message.EnumerateObject().Select(p => p.Name).Take(4).ToArray());
        var ack = doc.GetProperty("components").GetProperty("schemas").GetProperty("ErrorAck").GetProperty("properties");
        Assert.True(ack.TryGetProperty("ok", out _));
        Assert.True(ack.TryGetProperty("error", out _));
    }
}
