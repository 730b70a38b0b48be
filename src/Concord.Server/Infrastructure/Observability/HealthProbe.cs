namespace Concord.Server.Infrastructure.Observability;

/// <summary>
/// <c>dotnet Concord.Server.dll --health-check URL</c>: exits 0 when URL answers 2xx within three seconds, else 1.
/// The container's HEALTHCHECK uses it because the chiseled runtime image has no shell and no curl.
/// </summary>
public static class HealthProbe
{
    public static async Task<int?> RunIfRequestedAsync(string[] args)
    {
        if (args.Length != 2 || args[0] != "--health-check") return null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            return (await http.GetAsync(args[1])).IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            return 1;
        }
    }
}
