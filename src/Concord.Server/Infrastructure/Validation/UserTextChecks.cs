using Concord.Server.Infrastructure.Errors;

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
            foreach (var (name, values) in http.Request.Query)
            {
                if (!UserText.IsAllowed(name)) return Problems.WriteAsync(http, new ApiError(ErrorCode.BadRequest, "A query parameter name contains control characters."));
                foreach (var value in values)
                    if (value is not null && !UserText.IsAllowed(value))
                        return Problems.WriteAsync(http, ApiError.Field(name, UserText.Message));
            }
            return next(http);
        });
        return app;
    }
}
