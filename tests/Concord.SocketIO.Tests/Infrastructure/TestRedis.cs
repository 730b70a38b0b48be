using Concord.SocketIO.Adapters.Redis;
using StackExchange.Redis;

namespace Concord.SocketIO.Tests.Infrastructure;

/// <summary>The Redis the tests share: ./test.sh starts a throwaway one and exports CONCORD_TEST_REDIS.</summary>
public static class TestRedis
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("CONCORD_TEST_REDIS") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "CONCORD_TEST_REDIS is not set. Run ./test.sh (it starts a throwaway Redis), or start one " +
                "(redis-server --port 6390 --save '' --daemonize yes) and export CONCORD_TEST_REDIS=127.0.0.1:6390.");

    public static Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    /// <summary>A channel prefix no other test uses, so tests never see each other's traffic.</summary>
    public static string UniquePrefix() => "test-" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Two in-process nodes (Kestrel on 127.0.0.1:0), each with its own Redis connection, sharing one channel prefix.</summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public TestHost A { get; private set; } = null!;
    public TestHost B { get; private set; } = null!;
    public string Prefix { get; } = TestRedis.UniquePrefix();

    public static async Task<TwoNodes> StartAsync(Action<SocketIOOptions>? configure, Action<SocketIOServer>? setup, Action<RedisAdapterOptions>? redis = null)
    {
        var nodes = new TwoNodes();
        nodes.A = await nodes.StartNodeAsync(configure, setup, redis);
        nodes.B = await nodes.StartNodeAsync(configure, setup, redis);
        return nodes;
    }

    private async Task<TestHost> StartNodeAsync(Action<SocketIOOptions>? configure, Action<SocketIOServer>? setup, Action<RedisAdapterOptions>? redis)
    {
        var multiplexer = await TestRedis.ConnectAsync();
        _owned.Add(multiplexer);
        var adapterOptions = new RedisAdapterOptions { ChannelPrefix = Prefix };
        redis?.Invoke(adapterOptions);
        var host = await TestHost.StartAsync(o =>
        {
            configure?.Invoke(o);
            o.AdapterFactory = RedisAdapter.Factory(multiplexer, adapterOptions);
        }, setup);
        _owned.Insert(0, host);
        // A node must hear the others before a test relies on it.
        await ((RedisAdapter)host.Server.Sockets.Adapter).Subscribed;
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned) await owned.DisposeAsync();
    }
}
