using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Concord.Server.Infrastructure.Ids;

namespace Concord.Server.Realtime.Contracts;

/// <summary>
/// The gateway's AsyncAPI 3.0 document, generated from the catalogue (<see cref="ClientEvents"/>, <see cref="ServerEvents"/>):
/// one channel (the Socket.IO namespace "/"); a <c>receive</c> operation per client event, whose reply is its ack (the success
/// record or <see cref="ErrorAck"/>); a <c>send</c> operation per server event. Payload schemas are exported from the records
/// with the wire's JSON options (camelCase, ids as strings), so the document cannot drift from what is sent.
/// </summary>
public static class AsyncApiDocument
{
    private static readonly JsonSerializerOptions Wire = WireOptions();

    private static readonly Lazy<string> Json = new(() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The document as JSON (built once).</summary>
    public static string ToJson() => Json.Value;

    public static JsonObject Build()
    {
        var schemas = new JsonObject();
        var messages = new JsonObject();
        var channelMessages = new JsonObject();
        var operations = new JsonObject();

        JsonNode SchemaRef(Type type)
        {
            if (!schemas.ContainsKey(type.Name)) schemas[type.Name] = Schema(type);
            return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
        }

        void AddMessage(string id, JsonObject message)
        {
            messages[id] = message;
            channelMessages[id] = new JsonObject { ["$ref"] = $"#/components/messages/{id}" };
        }

        JsonObject MessageRef(string id) => new() { ["$ref"] = $"#/channels/gateway/messages/{id}" };

        foreach (var e in ClientEvents.All)
        {
            var id = $"client.{e.Name}";
            var message = new JsonObject { ["name"] = e.Name, ["title"] = e.Name, ["summary"] = e.Summary };
            if (e.Payload != typeof(NoPayload)) message["payload"] = SchemaRef(e.Payload);
            AddMessage(id, message);
            AddMessage($"{id}.ack", new JsonObject
            {
                ["name"] = $"{e.Name} ack",
                ["summary"] = $"The acknowledgement of {e.Name}: {{ok: true, …}} or {{ok: false, error}}.",
                ["payload"] = new JsonObject { ["oneOf"] = new JsonArray(SchemaRef(e.Ack), SchemaRef(typeof(ErrorAck))) },
            });
            operations[id] = new JsonObject
            {
                ["action"] = "receive",
                ["summary"] = e.Summary,
                ["channel"] = new JsonObject { ["$ref"] = "#/channels/gateway" },
                ["messages"] = new JsonArray(MessageRef(id)),
                ["reply"] = new JsonObject
                {
                    ["channel"] = new JsonObject { ["$ref"] = "#/channels/gateway" },
                    ["messages"] = new JsonArray(MessageRef($"{id}.ack")),
                },
            };
        }
        foreach (var e in ServerEvents.All)
        {
            var id = $"server.{e.Name}";
            AddMessage(id, new JsonObject
            {
                ["name"] = e.Name,
                ["title"] = e.Name,
                ["summary"] = e.Summary,
                ["description"] = $"Sent to: {e.Audience}.",
                ["payload"] = SchemaRef(e.Payload),
            });
            operations[id] = new JsonObject
            {
                ["action"] = "send",
                ["summary"] = e.Summary,
                ["channel"] = new JsonObject { ["$ref"] = "#/channels/gateway" },
                ["messages"] = new JsonArray(MessageRef(id)),
            };
        }

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Concord real-time gateway",
                ["version"] = "1",
                ["description"] = "Socket.IO v4 at /socket.io, namespace \"/\". Each client event takes an acknowledgement callback; "
                    + "ids are strings; errors use the REST API's codes. See docs/realtime.md.",
            },
            ["defaultContentType"] = "application/json",
            ["channels"] = new JsonObject
            {
                ["gateway"] = new JsonObject
                {
                    ["address"] = "/",
                    ["title"] = "The default Socket.IO namespace",
                    ["messages"] = channelMessages,
                },
            },
            ["operations"] = operations,
            ["components"] = new JsonObject { ["schemas"] = schemas, ["messages"] = messages },
        };
    }

    private static JsonNode Schema(Type type)
    {
        var schema = Wire.GetJsonSchemaAsNode(type, Exporter);
        TypeDefaulted(schema, type);
        return schema;
    }

    /// <summary>
    /// A property with a default value whose type has a custom converter (a string, an id) comes out of the exporter as
    /// <c>{"default": …}</c> alone, without passing <see cref="Exporter"/>'s transform: give it its type here.
    /// </summary>
    private static void TypeDefaulted(JsonNode? node, Type type)
    {
        if (node is not JsonObject schema) return;
        var info = Wire.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
        if (info.Kind == JsonTypeInfoKind.Enumerable && schema["items"] is JsonObject items) TypeDefaulted(items, info.ElementType!);
        if (info.Kind != JsonTypeInfoKind.Object || schema["properties"] is not JsonObject properties) return;
        foreach (var property in info.Properties)
        {
            if (properties[property.Name] is not JsonObject child) continue;
            var t = property.PropertyType;
            if (!child.ContainsKey("type") && child.ContainsKey("default") && (t == typeof(string) || t == typeof(long) || t == typeof(long?)))
            {
                var nullable = property.IsGetNullable || t == typeof(long?);
                child["type"] = nullable ? new JsonArray("string", "null") : "string";
                if (t != typeof(string)) child["pattern"] = "^[0-9]+$";
            }
            else TypeDefaulted(child, t);
        }
    }

    private static readonly JsonSchemaExporterOptions Exporter = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (context, schema) =>
        {
            var t = context.TypeInfo.Type;
            var nullable = context.PropertyInfo is { IsGetNullable: true };
            // Ids are Snowflakes, written as strings (SnowflakeJsonConverter), which the exporter cannot see.
            if (t == typeof(long) || t == typeof(long?))
                return Typed(schema, t == typeof(long?) ? new JsonArray("string", "null") : "string",
                    new() { ["pattern"] = "^[0-9]+$", ["description"] = "A Snowflake id, as a string of digits." });
            // Strings pass the user-text converter, which hides their type from the exporter.
            if (t == typeof(string)) return Typed(schema, nullable ? new JsonArray("string", "null") : "string", []);
            // A boolean schema (a raw JSON value such as an SDP) is written as the equivalent empty object.
            return schema is JsonValue v && v.GetValueKind() == JsonValueKind.True ? new JsonObject() : schema;
        },
    };

    /// <summary>The type the wire really has, keeping what the exporter knew (a default value).</summary>
    private static JsonObject Typed(JsonNode schema, JsonNode type, JsonObject extra)
    {
        var typed = new JsonObject { ["type"] = type };
        foreach (var (key, value) in extra) typed[key] = value?.DeepClone();
        if (schema is JsonObject known && known.TryGetPropertyValue("default", out var fallback)) typed["default"] = fallback?.DeepClone();
        return typed;
    }

    private static JsonSerializerOptions WireOptions()
    {
        var options = IdServiceExtensions.ConfigureJson(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        // The web defaults also read numbers from strings; the server writes them as numbers.
        options.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
