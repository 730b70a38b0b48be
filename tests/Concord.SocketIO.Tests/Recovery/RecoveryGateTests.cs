using System.Text;
using Concord.SocketIO.Adapters;
using Concord.SocketIO.Protocol;

namespace Concord.SocketIO.Tests.Recovery;

public sealed class RecoveryGateTests
{
    private static EncodedPacket Packet(string text) => new(Encoding.UTF8.GetBytes(text), []);

    private static string Text(EncodedPacket packet) => Encoding.UTF8.GetString(packet.Text.Span);

    [Fact]
    public void LiveBroadcastsHeldDuringReplayGoOutOnceAfterTheMissedOnesInOffsetOrder()
    {
        var gate = new RecoveryGate();
        var sent = new List<string>();
        // Live copies arrive while the log is read: one the log also holds, one newer.
        Assert.False(gate.Admit(Packet("p2"), "2"));
        Assert.False(gate.Admit(Packet("p4"), "4"));

        gate.Release(p => { sent.Add(Text(p)); return true; }, Packet("connect"),
            [new MissedPacket("2", Packet("p2")), new MissedPacket("3", Packet("p3"))], offset: "1");

        Assert.Equal(["connect", "p2", "p3", "p4"], sent);
        Assert.False(gate.Admit(Packet("p3"), "3"));
        Assert.False(gate.Admit(Packet("p4"), "4"));
        Assert.True(gate.Admit(Packet("p5"), "5"));
    }

    [Theory]
    [InlineData("1712345678901-0", "1712345678901-1", -1)]
    [InlineData("1712345678902-0", "1712345678901-9", 1)]
    [InlineData("10", "9", 1)]
    [InlineData("7", "7", 0)]
    public void OffsetsCompareNumerically(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(Offsets.Compare(a, b)));

    [Fact]
    public void StampingAppendsTheOffsetAsTheLastArgumentAndKeepsAttachments()
    {
        ReadOnlyMemory<byte>[] attachments = [new byte[] { 1, 2 }];
        var stamped = Offsets.Stamp(Encoding.UTF8.GetBytes("451-[\"file\",{\"_placeholder\":true,\"num\":0}]"), attachments, "17-0");

        Assert.Equal("451-[\"file\",{\"_placeholder\":true,\"num\":0},\"17-0\"]", Text(stamped));
        Assert.Same(attachments, stamped.Attachments);
    }
}
