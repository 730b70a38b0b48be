using Concord.SocketIO;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Concord.Server.Infrastructure.Hosting;

/// <summary>Whether this node has been asked to stop (SIGTERM) and is leaving the balancer's rotation.</summary>
public sealed class DrainState
{
    private volatile bool _draining;
    public bool Draining => _draining;
    internal void Begin() => _draining = true;
}

/// <summary>
/// The first step of a graceful stop. Readiness turns 503 at once, then the node waits <c>Concord:DrainDelay</c> so
/// the balancer's health checks take it out of rotation; only then do the later steps run (the Socket.IO server closes
/// its connections, so clients reconnect and recover on another node, and Kestrel finishes in-flight requests).
/// Runs first because hosts call every <see cref="IHostedLifecycleService.StoppingAsync"/> before any StopAsync.
/// </summary>
internal sealed partial class GracefulDrain(DrainState state, NodeOptions options, SocketIOServer io, NodeIdentity node, ILogger<GracefulDrain> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        if (options.DrainDelay > TimeSpan.Zero) LogDraining(logger, options.DrainDelay);
        // A deliberate wait: the balancer polls readiness on its own schedule, and nothing here can hurry it.
        if (options.DrainDelay > TimeSpan.Zero) await Task.Delay(options.DrainDelay, cancellationToken);
        // Close the real-time connections now, not after Kestrel: it would wait for these long requests until its
        // shutdown timeout. A transport close is what a client reconnects (and recovers) from, on another node.
        if (node.Has(NodeRoles.Gateway)) io.Engine.CloseAll();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: readiness now fails; closing connections in {Delay}")]
    private static partial void LogDraining(ILogger logger, TimeSpan delay);
}

/// <summary>Readiness fails while draining, so balancers stop sending new work before connections close.</summary>
internal sealed class DrainHealthCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Draining ? HealthCheckResult.Unhealthy("draining: this node is stopping") : HealthCheckResult.Healthy());
}
