using System.Text.Json;
using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Protocol;

/// <summary>Binary is first-class in the handler API: told apart from data, and kept when re-emitted.</summary>
public sealed class BinaryArgumentTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(setup: io => io.Sockets.OnConnection(socket =>
    {
        socket.On("kinds", e =>
        {
            string Refusal(int i)
            {
                try { e.Args.GetBytes(i); return "binary"; }
                catch (InvalidOperationException) { return "refused"; }
            }
            e.Ack((object)Enumerable.Range(0, e.Args.Count).Select(i => $"{e.Args.IsBinary(i)}:{Refusal(i)}").ToArray());
        });
        // Re-emitted after an await, as handlers do: the attachments still travel with their placeholders.
        socket.On("reemit", async e =>
        {
            await Task.Yield();
            socket.Emit("back", e.Args[0], e.Args[1]);
            socket.Emit("all", [.. e.Args.Cast<object?>()]);
        });
    }));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HandlerTellsBinaryFromDataAndGetBytesRefusesData()
    {
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(_host);
        await ws.SendTextAsync("451-1[\"kinds\",{\"_placeholder\":true,\"num\":0},\"AQID\",{\"_placeholder\":false,\"num\":0},3]");
        await ws.SendBinaryAsync([1, 2, 3]);

        // A base64-looking string and an object that is not a placeholder are data, not binary.
        Assert.Equal("431[[\"True:binary\",\"False:refused\",\"False:refused\",\"False:refused\"]]", await ws.ReceiveAsync());
    }

    [Fact]
    public async Task ReceivedBinaryArgumentsReEmittedKeepTheirAttachments()
    {
        await using var ws = await RawWebSocket.ConnectNamespaceAsync(_host);
        await ws.SendTextAsync("452-[\"reemit\",{\"_placeholder\":true,\"num\":0},{\"file\":{\"_placeholder\":true,\"num\":1},\"name\":\"a.bin\"}]");
        await ws.SendBinaryAsync([1, 2, 3]);
        await ws.SendBinaryAsync([9]);

        Assert.Equal("452-[\"back\",{\"_placeholder\":true,\"num\":0},{\"file\":{\"_placeholder\":true,\"num\":1},\"name\":\"a.bin\"}]", await ws.ReceiveAsync());
        Assert.Equal("bin:" + Convert.ToBase64String([1, 2, 3]), await ws.ReceiveAsync());
        Assert.Equal("bin:" + Convert.ToBase64String([9]), await ws.ReceiveAsync());
        Assert.Equal("452-[\"all\",{\"_placeholder\":true,\"num\":0},{\"file\":{\"_placeholder\":true,\"num\":1},\"name\":\"a.bin\"}]", await ws.ReceiveAsync());
        Assert.Equal("bin:" + Convert.ToBase64String([1, 2, 3]), await ws.ReceiveAsync());
        Assert.Equal("bin:" + Convert.ToBase64String([9]), await ws.ReceiveAsync());
    }

    [Fact]
    public void AnElementOfAPlainEventIsWrittenAsItIs()
    {
        // A client may send an object that merely looks like a placeholder in a plain event: it stays data.
        var json = Concord.SocketIO.Protocol.BinaryPlaceholderConverters.AddTo(new JsonSerializerOptions());
        var element = JsonDocument.Parse("{\"_placeholder\":true,\"num\":0}").RootElement;
        var packet = Concord.SocketIO.Protocol.PacketEncoder.Event("/", "x", [element], null, json);
        Assert.Equal("42[\"x\",{\"_placeholder\":true,\"num\":0}]", System.Text.Encoding.UTF8.GetString(packet.Text.Span));
        Assert.Empty(packet.Attachments);
    }
}
