using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Concord.Server.Infrastructure.Errors;

/// <summary>Builds every RFC 9457 problem+json answer, so all errors share one shape: type, title, status, detail, code, traceId, errors.</summary>
public static class Problems
{
    public static ProblemDetails Create(HttpContext? http, ApiError error)
    {
        var status = error.Code.Status();
        var problem = error.Errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(error.Errors.ToDictionary(kv => kv.Key, kv => kv.Value));
        problem.Status = status;
        problem.Title = error.Code.Title();
        problem.Detail = error.Detail;
        problem.Type = $"https://httpstatuses.io/{status}";
        problem.Extensions["code"] = error.Code.Wire();
        problem.Extensions["traceId"] = http is null ? Activity.Current?.TraceId.ToHexString() : Observability.RequestObservation.TraceId(http);
        return problem;
    }

    public static IResult Result(ApiError error) =>
        new ProblemResult(error);

    public static Task WriteAsync(HttpContext http, ApiError error, int? status = null)
    {
        http.Response.StatusCode = status ?? error.Code.Status();
        if (error.Code == ErrorCode.Unavailable)
            http.Response.Headers.RetryAfter = DependencyFailures.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = Create(http, error);
        problem.Status = http.Response.StatusCode;
        problem.Type = $"https://httpstatuses.io/{problem.Status}";
        return http.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json");
    }

    private sealed class ProblemResult(ApiError error) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => error.Code.Status();
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, error);
    }
}
