using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Concord.Server.Tests.Caching;

/// <summary>Every command the server sends to the database while recording: one entry per round trip.</summary>
public sealed class SqlRecorder : DbCommandInterceptor
{
    private ConcurrentQueue<string>? _commands;

    /// <summary>Records until disposed; the list fills as commands run.</summary>
    public IDisposable Record(out IReadOnlyCollection<string> commands)
    {
        var queue = new ConcurrentQueue<string>();
        _commands = queue;
        commands = queue;
        return new Stop(this);
    }

    private void Add(DbCommand command) => _commands?.Enqueue(command.CommandText);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    private sealed class Stop(SqlRecorder recorder) : IDisposable
    {
        public void Dispose() => recorder._commands = null;
    }
}
