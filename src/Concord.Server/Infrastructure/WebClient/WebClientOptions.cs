namespace Concord.Server.Infrastructure.WebClient;

/// <summary>Where the built web client lives (section <c>WebClient</c>).</summary>
public sealed class WebClientOptions
{
    public const string Section = "WebClient";

    /// <summary>Serve the web client at <c>/</c>. Off: the server is API-only and <c>/</c> is a 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Folder holding the built client (its <c>index.html</c> and <c>assets/</c>). Empty: <c>wwwroot</c> under the
    /// content root (what <c>dotnet publish</c> ships), else <c>web/dist</c> of the repository (what <c>dotnet run</c> builds).
    /// </summary>
    public string? Path { get; set; }
}
