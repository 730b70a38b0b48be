namespace Concord.Server.Infrastructure.Hosting;

/// <summary>Kestrel's socket transport (section <c>Transport</c>).</summary>
public sealed class TransportOptions
{
    public const string Section = "Transport";

    /// <summary>
    /// Kestrel runs the application's code on the thread that completed the socket read, and a write's send on the thread
    /// that flushed it, instead of handing each to the thread pool (<c>SocketTransportOptions.UnsafePreferInlineScheduling</c>).
    /// On by default: a real-time event is then received, handled and written to its recipients on one thread
    /// (docs/benchmarks.md, "Thread-pool hops per event"; docs/operations.md, "Runtime settings").
    /// </summary>
    public bool InlineScheduling { get; set; } = true;
}

public static class TransportSchedulingExtensions
{
    public static WebApplicationBuilder AddConcordTransport(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TransportOptions.Section).Get<TransportOptions>() ?? new();
        // Socket completions still arrive on thread-pool threads (the runtime's epoll thread hands them over), so a
        // handler that blocks holds one worker, as it would without this; what goes away is the second hop per read
        // and one per flushed write.
        if (options.InlineScheduling) builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        return builder;
    }
}
