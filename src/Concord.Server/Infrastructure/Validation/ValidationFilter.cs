using Concord.Server.Infrastructure.Errors;
using FluentValidation;

namespace Concord.Server.Infrastructure.Validation;

/// <summary>Validates the <typeparamref name="T"/> argument with its FluentValidation validator; 400 with errors per field.</summary>
internal sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
            return new ApiError(ErrorCode.BadRequest, "A JSON request body is required.").ToResult();
        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        if (result.IsValid) return await next(context);
        var errors = result.Errors
            .GroupBy(e => e.PropertyName)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return new ApiError(ErrorCode.ValidationFailed, null, errors).ToResult();
    }
}

public static class ValidationExtensions
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    public static WebApplicationBuilder AddConcordValidation(this WebApplicationBuilder builder)
    {
        // Field names on the wire are camelCase ("displayName"), so errors name them the same way.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, expression) =>
            member is null ? null : JsonNamingCamel(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingCamel(member.Name);
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(includeInternalTypes: true);
        builder.Services.AddTransient(typeof(ValidationFilter<>));
        return builder;
    }

    private static string JsonNamingCamel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
