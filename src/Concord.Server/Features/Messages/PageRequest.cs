using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Concord.Server.Infrastructure.Errors;

namespace Concord.Server.Features.Messages;

/// <summary>
/// A keyset page over Snowflake ids: <c>before</c> walks back in time, <c>after</c> forward; neither uses OFFSET,
/// so a page costs the same at any depth and concurrent inserts never shift or repeat one.
/// </summary>
public readonly record struct PageRequest(long? Before, long? After, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>Query strings are parsed here rather than bound, so a bad value answers 400 naming the parameter.</summary>
    public static (PageRequest Page, ApiError? Error) Parse(string? before, string? after, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        var b = Id(before, "before", errors);
        var a = Id(after, "after", errors);
        var l = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out l) || l is < 1 or > MaxLimit))
            errors["limit"] = [$"Must be a whole number from 1 to {MaxLimit}."];
        return errors.Count > 0
            ? (default, new ApiError(ErrorCode.ValidationFailed, null, errors))
            : (new PageRequest(b, a, l), null);
    }

    private static long? Id(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null) return null;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) return id;
        errors[name] = ["Must be a message id (a string of digits)."];
        return null;
    }
}

public static class PageQueries
{
    /// <summary>
    /// The page, newest first, projected in the same query. With <c>after</c> it is the <c>limit</c> messages right
    /// after the cursor (read oldest first, then reversed), so walking forward never skips a message.
    /// </summary>
    public static async Task<List<TDto>> PageAsync<TEntity, TDto>(this IQueryable<TEntity> source, PageRequest page,
        Expression<Func<TEntity, long>> id, Expression<Func<TEntity, TDto>> project, CancellationToken ct)
    {
        var query = source;
        if (page.Before is { } before) query = query.Where(Compare(id, before, Expression.LessThan));
        if (page.After is { } after)
        {
            var forward = await query.Where(Compare(id, after, Expression.GreaterThan)).OrderBy(id).Take(page.Limit).Select(project).ToListAsync(ct);
            forward.Reverse();
            return forward;
        }
        return await query.OrderByDescending(id).Take(page.Limit).Select(project).ToListAsync(ct);
    }

    /// <summary>id(x) &lt; bound (or &gt;), with the bound as a SQL parameter so the plan is reused.</summary>
    private static Expression<Func<T, bool>> Compare<T>(Expression<Func<T, long>> id, long bound, Func<Expression, Expression, BinaryExpression> op)
    {
        var parameter = Expression.Property(Expression.Constant(new Bound(bound)), nameof(Bound.Value));
        return Expression.Lambda<Func<T, bool>>(op(id.Body, parameter), id.Parameters);
    }

    private sealed class Bound(long value)
    {
        public long Value { get; } = value;
    }
}
