namespace Concord.Server.Infrastructure.Security;

/// <summary>Browser-facing settings (section <c>Cors</c>).</summary>
public sealed class CorsOptions
{
    public const string Section = "Cors";

    /// <summary>Origins (scheme://host[:port]) allowed to call the API with credentials, and to send unsafe requests.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
