using Concord.SocketIO.Adapters;
using Concord.SocketIO.EngineIO;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Concord.SocketIO.Tests.Memory;

/// <summary>The compact per-connection structures behave like the collections they replace.</summary>
public sealed class CompactStateTests
{
    [Theory]
    [InlineData("?EIO=4&transport=websocket")]
    [InlineData("?EIO=4&transport=polling&t=PxY1&sid=abc")]
    [InlineData("?a=1&A=2&a=3&b=%20x+y&&c&=v&d=&%C3%A9=%E2%82%AC")]
    [InlineData("?")]
    [InlineData("")]
    public void QueryParserReadsTheQueryAsHttpRequestQueryDoes(string queryString)
    {
        // HttpRequest.Query: a QueryCollection over QueryHelpers' parse (names ignoring case, repeats joined with ",").
        var expected = new QueryCollection(QueryHelpers.ParseNullableQuery(queryString) ?? [])
            .Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()));

        var parsed = QueryParser.Parse(queryString);

        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), parsed.OrderBy(p => p.Key, StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, QueryParser.Get(parsed, key));
            Assert.Equal(value, QueryParser.Get(parsed, key.ToUpperInvariant()));
        }
        Assert.Equal("", QueryParser.Get(parsed, "missing"));
    }

    [Fact]
    public void MemberSetGoesFromNothingToOneStringToASetAndBack()
    {
        object? slot = null;
        Assert.Equal(0, new MemberSet(slot).Count);
        Assert.Empty(Items(slot));

        MemberSet.Add(ref slot, "a");
        Assert.Equal("a", slot);
        MemberSet.Add(ref slot, "a");
        Assert.Equal("a", slot);
        Assert.True(new MemberSet(slot).Contains("a"));
        Assert.False(new MemberSet(slot).Contains("b"));

        MemberSet.Add(ref slot, "b");
        MemberSet.Add(ref slot, "c");
        Assert.IsType<HashSet<string>>(slot);
        Assert.Equal(["a", "b", "c"], Items(slot));
        Assert.Equal(3, new MemberSet(slot).ToHashSet().Count);

        Assert.False(MemberSet.Remove(ref slot, "b"));
        Assert.False(MemberSet.Remove(ref slot, "a"));
        Assert.Equal(["c"], Items(slot));
        Assert.True(MemberSet.Remove(ref slot, "c"));
        Assert.Equal(0, new MemberSet(slot).Count);

        object? single = "x";
        Assert.False(MemberSet.Remove(ref single, "y"));
        Assert.Equal("x", single);
        Assert.True(MemberSet.Remove(ref single, "x"));
        Assert.Null(single);
    }

    private static List<string> Items(object? slot)
    {
        var items = new List<string>();
        foreach (var item in new MemberSet(slot)) items.Add(item);
        return items;
    }

    [Fact]
    public void TheOutboundQueueGivesBackABurstsRingOnceDrainedAndKeepsSmallOnes()
    {
        var queue = new OutboundQueue(1024);
        for (var i = 0; i < 20; i++) Assert.True(queue.TryWrite(new OutboundItem(OutboundKind.Text, new[] { (byte)i })));
        Assert.Equal(32, queue.RingSize);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(queue.TryRead(out var item));
            Assert.Equal(i, item.Data.Span[0]);
        }
        Assert.Equal(0, queue.RingSize);
        Assert.False(queue.TryRead(out _));

        // Steady traffic keeps its small ring instead of regrowing it on every turn.
        for (var round = 0; round < 3; round++)
        {
            Assert.True(queue.TryWrite(new OutboundItem(OutboundKind.Text, new byte[] { 1 })));
            Assert.True(queue.TryWrite(new OutboundItem(OutboundKind.Text, new byte[] { 2 })));
            Assert.True(queue.TryRead(out var first) && first.Data.Span[0] == 1);
            Assert.True(queue.TryRead(out var second) && second.Data.Span[0] == 2);
            Assert.Equal(2, queue.RingSize);
        }
    }
}
