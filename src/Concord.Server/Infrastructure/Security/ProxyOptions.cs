using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Concord.Server.Infrastructure.Security;

/// <summary>Reverse-proxy settings (section <c>Proxy</c>): who may tell us the client's address and scheme.</summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>
    /// Addresses of the load balancers in front (nginx, …). Their X-Forwarded-For and X-Forwarded-Proto are
    /// believed, so per-IP rate limits see the real client and session cookies get Secure behind TLS termination.
    /// Empty: the headers are ignored.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];
}

public static class ProxyExtensions
{
    public static WebApplication UseConcordForwardedHeaders(this WebApplication app)
    {
        var proxy = app.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        if (proxy.KnownProxies.Length == 0) return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var address in proxy.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(address));
        app.UseForwardedHeaders(options);
        return app;
    }
}
