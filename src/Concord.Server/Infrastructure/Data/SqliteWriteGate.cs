using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Concord.Server.Infrastructure.Data;

/// <summary>
/// SQLite takes one writer at a time. Left to collide, concurrent writers get SQLITE_BUSY, and Microsoft.Data.Sqlite
/// retries by sleeping the request's thread synchronously (150 ms steps), which caps a busy node at ~150 sends/s.
/// So writes queue here instead, asynchronously and in order: one gate for the process, entered by every transaction
/// (Microsoft.Data.Sqlite begins them IMMEDIATE, i.e. as writers) from BEGIN to its end, and by every INSERT, UPDATE or
/// DELETE run outside a transaction, for as long as its statement runs. Reads never wait for it: the database is in WAL
/// mode, where readers and the one writer do not block each other. Each connection also runs with
/// <c>synchronous=NORMAL</c> (durable in WAL except for the last commits on a power loss, never corrupt).
/// A write that cannot enter within <see cref="DatabaseOptions.SqliteWriteTimeout"/> fails with a <see cref="TimeoutException"/>.
/// </summary>
public sealed class SqliteWriteGate(TimeSpan timeout) : IDbCommandInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    private sealed class Holder { public int Held; }

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = new();
    // Native connections already set up (WAL, synchronous): pooled ones come back with their settings.
    private readonly ConditionalWeakTable<object, object> _prepared = new();
    private long _waits;

    /// <summary>Writes that found the gate taken and queued (tests prove the gate is exercised).</summary>
    internal long Waits => Interlocked.Read(ref _waits);

    // Transactions: from BEGIN until commit, rollback, failure, or the connection closing (a disposed, uncommitted one).
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(ConnectionOf(eventData));
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Left(ConnectionOf(eventData));
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(ConnectionOf(eventData));
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Left(ConnectionOf(eventData));
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(ConnectionOf(eventData));
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) => Left(ConnectionOf(eventData));
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Leave(connection);
    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Left(connection);

    // Single writes outside a transaction: for the statement's life (a RETURNING reader's until it is disposed).
    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (IsLoneWrite(command)) await EnterAsync(command.Connection!, cancellationToken);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsLoneWrite(command)) Enter(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsLoneWrite(command)) await EnterAsync(command.Connection!, cancellationToken);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsLoneWrite(command)) Enter(command.Connection!);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (command.Transaction is null) Leave(command.Connection);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (command.Transaction is null) Leave(command.Connection);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => CommandFailed(command, null!);
    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default) => CommandFailedAsync(command, null!, cancellationToken);

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Prepare(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Prepare(connection);
        return Task.CompletedTask;
    }

    private void Prepare(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || _prepared.TryGetValue(handle, out _)) return;
        using var pragma = sqlite.CreateCommand();
        // journal_mode is stored in the file (a no-op once set; an in-memory database stays "memory"); synchronous is per connection.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
        pragma.ExecuteNonQuery();
        _prepared.AddOrUpdate(handle, handle);
    }

    private static bool IsLoneWrite(DbCommand command)
    {
        if (command.Transaction is not null) return false;
        var sql = command.CommandText.AsSpan().TrimStart();
        return sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    private async ValueTask EnterAsync(DbConnection connection, CancellationToken ct)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (Volatile.Read(ref holder.Held) == 1) return; // this connection is inside the gate already
        if (!_gate.Wait(0))
        {
            Interlocked.Increment(ref _waits);
            if (!await _gate.WaitAsync(timeout, ct)) throw Timeout();
        }
        Volatile.Write(ref holder.Held, 1);
    }

    private void Enter(DbConnection connection)
    {
        var holder = _holders.GetOrCreateValue(connection);
        if (Volatile.Read(ref holder.Held) == 1) return;
        if (!_gate.Wait(0))
        {
            Interlocked.Increment(ref _waits);
            if (!_gate.Wait(timeout)) throw Timeout();
        }
        Volatile.Write(ref holder.Held, 1);
    }

    private void Leave(DbConnection? connection)
    {
        if (connection is not null && _holders.TryGetValue(connection, out var holder) && Interlocked.Exchange(ref holder.Held, 0) == 1)
            _gate.Release();
    }

    private static DbConnection? ConnectionOf(DbContextEventData eventData) => eventData.Context?.Database.GetDbConnection();

    private Task Left(DbConnection? connection)
    {
        Leave(connection);
        return Task.CompletedTask;
    }

    private TimeoutException Timeout() => new($"No SQLite write slot within {timeout.TotalSeconds:0.#} s (Database:SqliteWriteTimeout).");
}
