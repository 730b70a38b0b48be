using System.Text;
using System.Text.Json;
using Concord.SocketIO.EngineIO;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO.Tests.Protocol;

public sealed class PacketCodecTests
{
    private static readonly JsonSerializerOptions Json = BinaryPlaceholderConverters.AddTo(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static string Text(EncodedPacket packet) => Encoding.UTF8.GetString(packet.Text.Span);

    [Theory]
    [InlineData("0", PacketType.Connect, "/", null, null)]
    [InlineData("0/admin,{\"token\":\"t\"}", PacketType.Connect, "/admin", null, "{\"token\":\"t\"}")]
    [InlineData("1/admin,", PacketType.Disconnect, "/admin", null, null)]
    [InlineData("2[\"hello\",1]", PacketType.Event, "/", null, "[\"hello\",1]")]
    [InlineData("2/chat,12[\"a\"]", PacketType.Event, "/chat", 12L, "[\"a\"]")]
    [InlineData("212[\"a\"]", PacketType.Event, "/", 12L, "[\"a\"]")]
    [InlineData("3/chat,5[]", PacketType.Ack, "/chat", 5L, "[]")]
    [InlineData("2[7,\"numeric names are allowed\"]", PacketType.Event, "/", null, "[7,\"numeric names are allowed\"]")]
    public void DecodesValidPackets(string wire, PacketType type, string nsp, long? id, string? json)
    {
        var packet = PacketDecoder.Decode(Encoding.UTF8.GetBytes(wire));
        Assert.Equal(type, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(id, packet.Id);
        Assert.Equal(json, packet.Data?.GetRawText());
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("x[]")]
    [InlineData("2")]
    [InlineData("2{}")]
    [InlineData("2[]")]
    [InlineData("2[\"connect\"]")]
    [InlineData("2[\"disconnecting\"]")]
    [InlineData("2[true]")]
    [InlineData("2[\"a\"")]
    [InlineData("2[\"a\"]junk")]
    [InlineData("0[1]")]
    [InlineData("1{}")]
    [InlineData("3{}")]
    [InlineData("5-[\"a\"]")]
    [InlineData("5x-[\"a\"]")]
    [InlineData("51[\"a\"]")]
    public void RejectsMalformedPackets(string wire) =>
        Assert.Throws<ProtocolException>(() => PacketDecoder.Decode(Encoding.UTF8.GetBytes(wire)));

    [Fact]
    public void BinaryEventWaitsForItsAttachments()
    {
        var decoder = new PacketDecoder();
        Assert.Null(decoder.Add(Message("52-[\"up\",{\"_placeholder\":true,\"num\":0},{\"x\":{\"_placeholder\":true,\"num\":1}}]")));
        Assert.Null(decoder.Add(new EngineIOMessage(new byte[] { 1, 2 }, true)));
        var packet = decoder.Add(new EngineIOMessage(new byte[] { 3 }, true));

        Assert.NotNull(packet);
        var args = new SocketIOArgs(packet.Data!.Value, 1, packet.Attachments, Json);
        Assert.Equal([1, 2], args.GetBytes(0).ToArray());
        Assert.Equal([3], args.GetBytes(args[1].GetProperty("x")).ToArray());
    }

    [Fact]
    public void TextArrivingBeforeTheAttachmentsIsAProtocolError()
    {
        var decoder = new PacketDecoder();
        decoder.Add(Message("51-[\"up\",{\"_placeholder\":true,\"num\":0}]"));
        Assert.Throws<ProtocolException>(() => decoder.Add(Message("2[\"x\"]")));
    }

    [Fact]
    public void BinaryWithoutAPendingPacketIsAProtocolError() =>
        Assert.Throws<ProtocolException>(() => new PacketDecoder().Add(new EngineIOMessage(new byte[] { 1 }, true)));

    [Fact]
    public void PlaceholderPointingPastTheAttachmentsIsAProtocolError()
    {
        var decoder = new PacketDecoder();
        decoder.Add(Message("51-[\"up\",{\"_placeholder\":true,\"num\":3}]"));
        Assert.Throws<ProtocolException>(() => decoder.Add(new EngineIOMessage(new byte[] { 1 }, true)));
    }

    [Fact]
    public void EncodesEventsWithNamespaceAndAckId()
    {
        Assert.Equal("42[\"hi\",1,{\"ok\":true},null]", Text(PacketEncoder.Event("/", "hi", [1, new { Ok = true }, null], null, Json)));
        Assert.Equal("42/chat,7[\"hi\"]", Text(PacketEncoder.Event("/chat", "hi", [], 7, Json)));
        Assert.Equal("43/chat,3[\"é ✓\"]", Text(PacketEncoder.Ack("/chat", 3, ["é ✓"], Json)));
    }

    [Fact]
    public void EncodesBinaryAtAnyDepthAsPlaceholders()
    {
        var packet = PacketEncoder.Event("/", "file", [new byte[] { 9 }, new { Inner = (ReadOnlyMemory<byte>)new byte[] { 8, 7 } }], null, Json);
        Assert.Equal("452-[\"file\",{\"_placeholder\":true,\"num\":0},{\"inner\":{\"_placeholder\":true,\"num\":1}}]", Text(packet));
        Assert.Equal([9], packet.Attachments[0].ToArray());
        Assert.Equal([8, 7], packet.Attachments[1].ToArray());
        Assert.Equal("461-1[{\"_placeholder\":true,\"num\":0}]", Text(PacketEncoder.Ack("/", 1, [new byte[] { 1 }], Json)));
    }

    [Fact]
    public void EncodesConnectionPackets()
    {
        Assert.Equal("40{\"sid\":\"abc\"}", Text(PacketEncoder.Connect("/", "abc", Json)));
        Assert.Equal("44/admin,{\"message\":\"no\",\"data\":{\"code\":4}}", Text(PacketEncoder.ConnectError("/admin", "no", new { Code = 4 }, Json)));
        Assert.Equal("41/admin,", Text(PacketEncoder.Disconnect("/admin", Json)));
    }

    [Fact]
    public void BroadcastOffsetTravelsAsTheLastArgument()
    {
        var packet = PacketEncoder.Event("/", "msg", ["x"], null, Json, offset: "off-1");
        Assert.Equal("42[\"msg\",\"x\",\"off-1\"]", Text(packet));
    }

    private static EngineIOMessage Message(string text) => new(Encoding.UTF8.GetBytes(text), false);
}
