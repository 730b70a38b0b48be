using System.Collections.Concurrent;
using System.Text.Json;
using Concord.Server.Infrastructure.Data;
using Concord.Server.Infrastructure.Ids;
using Concord.Server.Realtime;
using Concord.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Concord.Server.Realtime.Contracts;

namespace Concord.Server.Tests.Servers;

/// <summary>The real server with two test doubles: a recorder for real-time events and a clock tests can move forward.</summary>
public class ServersApp(Backend backend) : ConcordApp(backend)
{
    public RecordingRealtimeEvents Events => Services.GetRequiredService<RecordingRealtimeEvents>();
    public TestClock Clock => Services.GetRequiredService<TestClock>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<RecordingRealtimeEvents>();
            services.RemoveAll<IRealtimeEvents>();
            services.AddSingleton<IRealtimeEvents>(sp => sp.GetRequiredService<RecordingRealtimeEvents>());
            services.AddSingleton<TestClock>();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<TestClock>());
        });
    }

    /// <summary>Runs <paramref name="query"/> on a fresh DbContext of the app (sees committed data only).</summary>
    public async Task<T> DbAsync<T>(Func<ConcordDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ConcordDbContext>());
    }

    private Task<Cast>? _cast;
    private readonly Lock _castLock = new();

    /// <summary>Users registered once per fixture, reused in every world (each world is its own server).</summary>
    public Task<Cast> CastAsync()
    {
        lock (_castLock) return _cast ??= Cast.RegisterAsync(this);
    }
}

public sealed class ServersPostgresApp() : ServersApp(Backend.Postgres);
public sealed class ServersSqliteApp() : ServersApp(Backend.Sqlite);

/// <summary>Real time, shifted by whatever a test advanced it: invites expire without sleeping.</summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddTicks(Interlocked.Read(ref _offsetTicks));
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>One call to <see cref="IRealtimeEvents"/>, with what the database held at that moment.</summary>
/// <param name="MemberRowPresent">For LeaveRooms and member-left: whether the user's membership row was still visible to another connection.</param>
public sealed record RealtimeCall(string Kind, string? Room, string? Event, JsonElement? Payload, long? UserId, IReadOnlyCollection<string>? Rooms, bool? MemberRowPresent);

public sealed class RecordingRealtimeEvents(IServiceScopeFactory scopes) : IRealtimeEvents
{
    private static readonly JsonSerializerOptions Json = IdServiceExtensions.ConfigureJson(new JsonSerializerOptions());
    private readonly ConcurrentQueue<RealtimeCall> _calls = new();

    public IReadOnlyList<RealtimeCall> Calls => [.. _calls];

    public async ValueTask PublishAsync(IReadOnlyCollection<string> rooms, OutgoingEvent e)
    {
        var (room, eventName, payload) = (string.Join(",", rooms), e.Name, e.Payload);
        var json = JsonSerializer.SerializeToElement(payload, payload.GetType(), Json);
        bool? present = null;
        if (eventName == "member-left")
            present = await MemberRowPresentAsync(long.Parse(json.GetProperty("userId").GetString()!), long.Parse(json.GetProperty("serverId").GetString()!));
        _calls.Enqueue(new RealtimeCall("publish", room, eventName, json, null, null, present));
    }

    public ValueTask JoinRoomsAsync(long userId, IReadOnlyCollection<string> rooms)
    {
        _calls.Enqueue(new RealtimeCall("join", null, null, null, userId, rooms.ToArray(), null));
        return ValueTask.CompletedTask;
    }

    public async ValueTask LeaveRoomsAsync(long userId, IReadOnlyCollection<string> rooms)
    {
        var serverRoom = rooms.FirstOrDefault(r => r.StartsWith("server:", StringComparison.Ordinal));
        bool? present = serverRoom is null ? null : await MemberRowPresentAsync(userId, long.Parse(serverRoom["server:".Length..]));
        _calls.Enqueue(new RealtimeCall("leave", null, null, null, userId, rooms.ToArray(), present));
    }

    public ValueTask DisconnectUserAsync(long userId)
    {
        _calls.Enqueue(new RealtimeCall("disconnect", null, null, null, userId, null, null));
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseRoomAsync(string room)
    {
        _calls.Enqueue(new RealtimeCall("close", room, null, null, null, null, null));
        return ValueTask.CompletedTask;
    }

    public void EndTyping(long userId, string room) =>
        _calls.Enqueue(new RealtimeCall("end-typing", room, null, null, userId, null, null));

    private async Task<bool> MemberRowPresentAsync(long userId, long serverId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConcordDbContext>();
        return await db.Members.AnyAsync(m => m.UserId == userId && m.ServerId == serverId);
    }
}
