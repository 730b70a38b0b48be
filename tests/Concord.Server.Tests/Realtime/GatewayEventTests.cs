using System.Runtime.CompilerServices;
using System.Text.Json;
using Concord.Server.Tests.Infrastructure;
using Concord.Server.Tests.Messages;

namespace Concord.Server.Tests.Realtime;

/// <summary>
/// The gateway's handlers driven in process (<see cref="GatewayClient"/>): payloads are validated as REST bodies are,
/// permissions answer as REST does, and every ack has the catalogue's shape.
/// </summary>
public abstract class GatewayEventTests(ConcordApp app)
{
    private sealed record Place(Chat Chat, string ConversationId);

    // One server and one conversation per app: rows keep apart by what they send.
    private static readonly ConditionalWeakTable<ConcordApp, Task<Place>> Places = new();

    private Task<Place> PlaceAsync() => Places.GetValue(app, a => CreatePlaceAsync(a));

    private static async Task<Place> CreatePlaceAsync(ConcordApp app)
    {
        var chat = await app.CreateChatAsync();
        var dm = await chat.Member.PostAsync("/api/conversations", new { userId = chat.Admin.Id });
        return new Place(chat, (await dm.JsonAsync()).GetProperty("id").GetString()!);
    }

    private static string Fill(string template, Place p) => template
        .Replace("{text}", p.Chat.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Replace("{voice}", p.Chat.VoiceChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Replace("{dm}", p.ConversationId);

    /// <summary>Bad payloads: each is <c>validation_failed</c> naming the field, before any lookup (never a <c>not_found</c>).</summary>
    public static TheoryData<string, string?, string> BadPayloads => new()
    {
        { "join-channel", null, "channelId" },
        { "join-channel", """{}""", "channelId" },
        { "join-channel", """{"channelId":""}""", "channelId" },
        { "join-channel", """{"channelId":"-5"}""", "channelId" },
        { "join-channel", """{"channelId":0}""", "channelId" },
        { "join-channel", """{"channelId":"abc"}""", "channelId" },
        { "join-channel", """{"channelId":{}}""", "channelId" },
        { "join-channel", """{"channelId":true}""", "channelId" },
        { "leave-channel", """{}""", "channelId" },
        { "send-message", """{"content":"hi"}""", "channelId" },
        { "send-message", """{"channelId":"","content":"hi"}""", "channelId" },
        { "send-message", """{"channelId":"-5","content":"hi"}""", "channelId" },
        { "send-message", """{"channelId":["1"],"content":"hi"}""", "channelId" },
        { "send-message", """{"channelId":"{text}","content":"   "}""", "content" },
        { "send-message", """{"channelId":"{text}","content":"hi","nonce":""}""", "nonce" },
        { "send-message", """{"channelId":"{text}","content":5}""", "content" },
        { "send-direct-message", """{"content":"hi"}""", "conversationId" },
        { "send-direct-message", """{"conversationId":"{dm}","content":""}""", "content" },
        { "join-conversation", """{"conversationId":"-5"}""", "conversationId" },
        { "leave-conversation", """{}""", "conversationId" },
        { "typing-start", """{}""", "channelId" },
        { "typing-start", """{"channelId":"{text}","conversationId":"{dm}"}""", "conversationId" },
        { "typing-stop", """{"channelId":"-5"}""", "channelId" },
        { "set-status", """{"status":"away"}""", "status" },
        { "set-status", """{}""", "status" },
        { "join-call", """{}""", "channelId" },
        { "join-call", """{"channelId":"{voice}","conversationId":"{dm}"}""", "conversationId" },
        { "call-participants", """{"conversationId":"x"}""", "conversationId" },
        { "offer", """{"sdp":{"type":"offer"}}""", "to" },
        { "answer", """{"to":"abc"}""", "sdp" },
        { "ice-candidate", """{"to":"abc","candidate":null}""", "candidate" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task ABadPayloadIsValidationFailedNamingTheField(string eventName, string? payload, string field)
    {
        var place = await PlaceAsync();
        await using var client = await GatewayClient.ConnectAsync(app, place.Chat.Member);
        var ack = await client.RequestAsync(eventName, payload is null ? null : Fill(payload, place));
        Assert.False(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        var error = ack.GetProperty("error");
        Assert.Equal("validation_failed", error.GetProperty("code").GetString());
        Assert.True(error.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name {field}: {ack}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    [Fact]
    public async Task APayloadThatIsNotAnObjectIsValidationFailed()
    {
        var place = await PlaceAsync();
        await using var client = await GatewayClient.ConnectAsync(app, place.Chat.Member);
        var ack = await client.RequestAsync("join-channel", "\"42\"");
        Assert.Equal("validation_failed", ack.GetProperty("error").GetProperty("code").GetString());
    }

    public enum Who { Member, Outsider }

    /// <summary>The socket's answers match REST's: non-members and non-participants 404, wrong kind of place 400.</summary>
    public static TheoryData<Who, string, string, string?> Permissions => new()
    {
        { Who.Member, "join-channel", """{"channelId":"{text}"}""", null },
        { Who.Outsider, "join-channel", """{"channelId":"{text}"}""", "not_found" },
        { Who.Outsider, "join-channel", """{"channelId":"999999999"}""", "not_found" },
        { Who.Member, "typing-start", """{"channelId":"{text}"}""", null },
        { Who.Outsider, "typing-start", """{"channelId":"{text}"}""", "not_found" },
        { Who.Member, "typing-start", """{"conversationId":"{dm}"}""", null },
        { Who.Outsider, "typing-start", """{"conversationId":"{dm}"}""", "not_found" },
        { Who.Member, "join-conversation", """{"conversationId":"{dm}"}""", null },
        { Who.Outsider, "join-conversation", """{"conversationId":"{dm}"}""", "not_found" },
        { Who.Outsider, "send-message", """{"channelId":"{text}","content":"hi"}""", "not_found" },
        { Who.Outsider, "send-direct-message", """{"conversationId":"{dm}","content":"hi"}""", "not_found" },
        { Who.Member, "call-participants", """{"channelId":"{voice}"}""", null },
        { Who.Member, "call-participants", """{"conversationId":"{dm}"}""", null },
        { Who.Outsider, "call-participants", """{"channelId":"{voice}"}""", "not_found" },
        { Who.Outsider, "call-participants", """{"conversationId":"{dm}"}""", "not_found" },
        { Who.Member, "join-call", """{"channelId":"{text}"}""", "validation_failed" },
        { Who.Member, "offer", """{"to":"someone","sdp":{"type":"offer"}}""", "forbidden" },
    };

    [Theory]
    [MemberData(nameof(Permissions))]
    public async Task EventsAnswerPermissionsAsRestDoes(Who who, string eventName, string payload, string? code)
    {
        var place = await PlaceAsync();
        await using var client = await GatewayClient.ConnectAsync(app, who == Who.Member ? place.Chat.Member : place.Chat.Outsider);
        var ack = await client.RequestAsync(eventName, Fill(payload, place));
        if (code is null) Assert.True(ack.GetProperty("ok").GetBoolean(), ack.ToString());
        else
        {
            Assert.False(ack.GetProperty("ok").GetBoolean(), ack.ToString());
            Assert.Equal(code, ack.GetProperty("error").GetProperty("code").GetString());
        }
    }

    /// <summary>Acks have exactly the catalogue's fields: <c>{ok, …}</c> on success, <c>{ok: false, error: {code, message, errors?}}</c> otherwise.</summary>
    [Fact]
    public async Task AcksHaveTheCataloguesShape()
    {
        var place = await PlaceAsync();
        var chat = place.Chat;
        await using var client = await GatewayClient.ConnectAsync(app, chat.Member);

        var servers = await client.RequestAsync("join-servers", null);
        Assert.Equal(["ok", "serverIds"], Keys(servers));
        Assert.Contains(chat.ServerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            servers.GetProperty("serverIds").EnumerateArray().Select(s => s.GetString()));

        var joined = await client.RequestAsync("join-channel", new { channelId = chat.ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(["ok", "channelId", "serverId"], Keys(joined));
        Assert.Equal(chat.ServerId.ToString(System.Globalization.CultureInfo.InvariantCulture), joined.GetProperty("serverId").GetString());

        Assert.Equal(["ok"], Keys(await client.RequestAsync("leave-channel", new { channelId = chat.ChannelId })));
        var status = await client.RequestAsync("set-status", new { status = "idle" });
        Assert.Equal(["ok", "status"], Keys(status));
        Assert.Equal("idle", status.GetProperty("status").GetString());
        var participants = await client.RequestAsync("call-participants", new { channelId = chat.VoiceChannelId });
        Assert.Equal(["ok", "participants"], Keys(participants));

        var sent = await client.RequestAsync("send-message", new { channelId = chat.ChannelId, content = "shape", nonce = Guid.NewGuid().ToString() });
        Assert.Equal(["ok", "message"], Keys(sent));
        Assert.Equal("shape", sent.GetProperty("message").GetProperty("content").GetString());

        var refused = await client.RequestAsync("join-channel", """{"channelId":"-5"}""");
        Assert.Equal(["ok", "error"], Keys(refused));
        Assert.Equal(["code", "message", "errors"], Keys(refused.GetProperty("error")));
        var missing = await client.RequestAsync("join-channel", """{"channelId":"999999999"}""");
        Assert.Equal(["code", "message"], Keys(missing.GetProperty("error")));
        Assert.Equal("Channel not found.", missing.GetProperty("error").GetProperty("message").GetString());
    }

    /// <summary>Another socket in the channel hears typing-start with the catalogue's payload (channelId, no conversationId).</summary>
    [Fact]
    public async Task TypingStartReachesOthersInTheRoomWithTheCataloguePayload()
    {
        var place = await PlaceAsync();
        var chat = place.Chat;
        await using var typist = await GatewayClient.ConnectAsync(app, chat.Member);
        await using var reader = await GatewayClient.ConnectAsync(app, chat.Admin);
        Assert.True((await reader.RequestAsync("join-channel", new { channelId = chat.ChannelId })).GetProperty("ok").GetBoolean());
        Assert.True((await typist.RequestAsync("typing-start", new { channelId = chat.ChannelId })).GetProperty("ok").GetBoolean());
        var typing = await reader.NextEventAsync("typing-start");
        Assert.Equal(["channelId", "userId", "username"], Keys(typing));
        Assert.Equal(chat.Member.Id, typing.GetProperty("userId").GetString());
    }

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
}

public sealed class GatewayEventTestsOnPostgres(PostgresApp app) : GatewayEventTests(app), IClassFixture<PostgresApp>;
public sealed class GatewayEventTestsOnSqlite(SqliteApp app) : GatewayEventTests(app), IClassFixture<SqliteApp>;
