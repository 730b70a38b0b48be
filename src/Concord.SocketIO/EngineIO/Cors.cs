namespace Concord.SocketIO.EngineIO;

/// <summary>CORS for polling requests, as the JS server's <c>cors</c> option with <c>credentials: true</c>.</summary>
internal static class Cors
{
    /// <summary>Adds the headers; true when the request was a preflight that is now fully answered.</summary>
    public static bool Apply(HttpContext context, IList<string> origins)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || origins.Count == 0) return false;
        if (!origins.Contains("*") && !origins.Contains(origin, StringComparer.OrdinalIgnoreCase)) return false;

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        headers.Vary = "Origin";
        if (!HttpMethods.IsOptions(context.Request.Method)) return false;

        headers.AccessControlAllowMethods = "GET,POST";
        var requested = context.Request.Headers.AccessControlRequestHeaders.ToString();
        if (requested.Length > 0) headers.AccessControlAllowHeaders = requested;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return true;
    }
}
