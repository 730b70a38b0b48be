namespace Concord.SocketIO.Adapters.Redis;

/// <summary>A FetchSockets request in flight: answers may arrive before the number of nodes to wait for is known.</summary>
internal sealed class FetchRequest
{
    private readonly Lock _lock = new();
    private readonly List<RemoteSocket> _sockets = [];
    private readonly TaskCompletionSource<IReadOnlyList<RemoteSocket>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = -1;
    private int _received;

    public Task<IReadOnlyList<RemoteSocket>> Completion => _completion.Task;

    public void Expect(int nodes)
    {
        lock (_lock)
        {
            _expected = nodes;
            CompleteIfDone();
        }
    }

    public void Add(IEnumerable<RemoteSocket> sockets)
    {
        lock (_lock)
        {
            _received++;
            _sockets.AddRange(sockets);
            CompleteIfDone();
        }
    }

    public string Describe()
    {
        lock (_lock) return $"{_received} of {_expected}";
    }

    private void CompleteIfDone()
    {
        if (_expected >= 0 && _received >= _expected) _completion.TrySetResult([.. _sockets]);
    }
}
