namespace Concord.SocketIO.EngineIO;

/// <summary>
/// Whether a message queued on this thread may be written by this thread (see <see cref="OutboundQueue.TryClaimInline"/>).
/// Yes by default: an ack, a direct emit, a broadcast to a small room — one event's work then runs on the thread that
/// received it instead of waking one writer per recipient. A broadcast to many sockets turns it off for its loop
/// (<see cref="SuppressFor"/>), so a 1,000-member room is written by the recipients' writer loops in parallel rather than
/// one send after another on the sender's thread (measured: that halved the 1 room × 1,000 throughput).
/// </summary>
internal static class InlineSends
{
    /// <summary>Recipients above which a broadcast leaves the writing to the writer loops.</summary>
    public const int MaxRecipients = 16;

    [ThreadStatic] private static int t_suppressed;

    public static bool Allowed => t_suppressed == 0;

    /// <summary>Turns inline writes off on this thread until the returned scope is disposed, when <paramref name="recipients"/> is large.</summary>
    public static Scope SuppressFor(int recipients)
    {
        if (recipients <= MaxRecipients) return default;
        t_suppressed++;
        return new Scope(true);
    }

    public readonly struct Scope(bool active) : IDisposable
    {
        public void Dispose()
        {
            if (active) t_suppressed--;
        }
    }
}
