using System.Diagnostics.Metrics;
using Concord.Server.Infrastructure.Observability;
using Concord.SocketIO;

namespace Concord.Server.Realtime;

/// <summary>
/// What this node's gateway holds, read at each scrape: sockets by transport (polling, websocket) and the users
/// present here by status. Presence is per node: a user with tabs on two nodes counts on both.
/// </summary>
internal static class RealtimeMetrics
{
    public static void Register(SocketIOServer io)
    {
        ConcordMeter.Meter.CreateObservableGauge("realtime.connected_sockets", () => ConnectedSockets(io), "{socket}",
            "Sockets connected to this node's gateway, by Engine.IO transport.");
        ConcordMeter.Meter.CreateObservableGauge("realtime.present_users", () => PresentUsers(io), "{user}",
            "Users with at least one socket on this node, by their status here (online beats idle).");
    }

    private static IEnumerable<Measurement<int>> ConnectedSockets(SocketIOServer io)
    {
        int polling = 0, websocket = 0;
        foreach (var socket in io.Sockets.Sockets.Values)
            if (socket.Transport == "websocket") websocket++; else polling++;
        yield return new(polling, new KeyValuePair<string, object?>("transport", "polling"));
        yield return new(websocket, new KeyValuePair<string, object?>("transport", "websocket"));
    }

    private static IEnumerable<Measurement<int>> PresentUsers(SocketIOServer io)
    {
        var users = new Dictionary<long, PresenceStatus>();
        foreach (var socket in io.Sockets.Sockets.Values)
            if (socket.Data is SocketUser user)
                users[user.UserId] = users.TryGetValue(user.UserId, out var seen) && seen > user.Status ? seen : user.Status;
        int online = 0, idle = 0;
        foreach (var status in users.Values)
            if (status == PresenceStatus.Online) online++; else idle++;
        yield return new(online, new KeyValuePair<string, object?>("status", "online"));
        yield return new(idle, new KeyValuePair<string, object?>("status", "idle"));
    }
}
