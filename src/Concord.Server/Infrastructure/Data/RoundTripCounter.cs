using System.Data.Common;
using Concord.Server.Infrastructure.Observability;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Concord.Server.Infrastructure.Data;

/// <summary>
/// Counts database round trips (one per command EF Core sends; a SaveChanges batch is one), as the metric
/// <c>concord.db.round_trips</c>: the number the cache and the send path are judged by (docs/benchmarks.md).
/// </summary>
public sealed class RoundTripCounter : DbCommandInterceptor
{
    private static readonly System.Diagnostics.Metrics.Counter<long> RoundTrips =
        ConcordMeter.Meter.CreateCounter<long>("db.round_trips", description: "Commands sent to the database (each one round trip).");

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        RoundTrips.Add(1);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        RoundTrips.Add(1);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        RoundTrips.Add(1);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        RoundTrips.Add(1);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        RoundTrips.Add(1);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        RoundTrips.Add(1);
        return ValueTask.FromResult(result);
    }
}
