using Concord.Server.Infrastructure.Errors;
using Microsoft.AspNetCore.WebUtilities;

namespace Concord.Server.Infrastructure.Validation;

/// <summary>
/// The <see cref="UserText"/> rule for the text a URL carries (route values such as invite codes, query strings):
/// 400 <c>validation_failed</c> naming the parameter, before any handler hands it to the database.
/// </summary>
public static class UserTextChecks
{
    /// <summary>After routing, so route values are known.</summary>
    public static WebApplication UseUserTextChecks(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            foreach (var (name, value) in http.Request.RouteValues)
                if (value is string text && !UserText.IsAllowed(text))
                    return Problems.WriteAsync(http, ApiError.Field(name, UserText.Message));
            // The raw query string, decoded pair by pair as Request.Query decodes it, without building Request.Query: a
            // WebSocket request would keep that collection for its connection's life (~0.5 KB per idle socket, measured).
            foreach (var pair in new QueryStringEnumerable(http.Request.QueryString.Value))
            {
                var name = pair.DecodeName();
                if (!UserText.IsAllowed(name.Span)) return Problems.WriteAsync(http, new ApiError(ErrorCode.BadRequest, "A query parameter name contains control characters."));
                if (!UserText.IsAllowed(pair.DecodeValue().Span)) return Problems.WriteAsync(http, ApiError.Field(name.ToString(), UserText.Message));
            }
            return next(http);
        });
        return app;
    }
}
