using System.Collections.Concurrent;
using System.Text.Json;
using Concord.Server.Infrastructure.Ids;

namespace Concord.Server.Tests.Infrastructure;

public sealed class SnowflakeTests
{
    [Fact]
    public void IdsAreUniqueAndIncreasingAcrossThreads()
    {
        var generator = new SnowflakeGenerator(new SnowflakeOptions { WorkerId = 7 });
        var perThread = new ConcurrentBag<long[]>();
        Parallel.For(0, 8, _ =>
        {
            var ids = new long[50_000];
            for (var i = 0; i < ids.Length; i++) ids[i] = generator.Next();
            perThread.Add(ids);
        });
        foreach (var ids in perThread)
            for (var i = 1; i < ids.Length; i++) Assert.True(ids[i] > ids[i - 1], "each thread sees increasing ids");
        var all = perThread.SelectMany(x => x).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public void DifferentWorkersNeverCollideInTheSameMillisecond()
    {
        var time = new FixedTime(SnowflakeGenerator.Epoch.AddDays(100));
        var a = new SnowflakeGenerator(new SnowflakeOptions { WorkerId = 1 }, time);
        var b = new SnowflakeGenerator(new SnowflakeOptions { WorkerId = 2 }, time);
        var ids = Enumerable.Range(0, 1000).SelectMany(_ => new[] { a.Next(), b.Next() }).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void AnIdCarriesItsTime()
    {
        var at = SnowflakeGenerator.Epoch.AddDays(365).AddMilliseconds(123);
        var id = new SnowflakeGenerator(new SnowflakeOptions(), new FixedTime(at)).Next();
        Assert.Equal(at, SnowflakeGenerator.TimeOf(id));
        Assert.True(SnowflakeGenerator.MinIdAt(at) <= id && id < SnowflakeGenerator.MinIdAt(at.AddMilliseconds(1)));
    }

    [Fact]
    public void AWorkerIdOutOfRangeIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnowflakeGenerator(new SnowflakeOptions { WorkerId = 1024 }));

    [Fact]
    public void IdsTravelAsJsonStringsAndAreReadFromEither()
    {
        var options = IdServiceExtensions.ConfigureJson(new JsonSerializerOptions());
        Assert.Equal("{\"id\":\"9007199254740993\"}", JsonSerializer.Serialize(new { id = 9007199254740993L }, options));
        Assert.Equal(42L, JsonSerializer.Deserialize<long>("\"42\"", options));
        Assert.Equal(42L, JsonSerializer.Deserialize<long>("42", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<long>("\"4x2\"", options));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
