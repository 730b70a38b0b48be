using Concord.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Concord.Server.Tests.Realtime;

/// <summary>The real server on Kestrel (127.0.0.1, a free port), so a Node client can reach it over the network.</summary>
public class RealtimeApp : ConcordApp
{
    public RealtimeApp(Backend backend, IDictionary<string, string?>? settings = null, string? reuseDatabaseOf = null)
        : base(backend, WithDefaults(settings), reuseDatabaseOf)
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Url = addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
    }

    public string Url { get; }

    public override Uri ClientBase => new(Url);

    private static Dictionary<string, string?> WithDefaults(IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        return all;
    }
}
