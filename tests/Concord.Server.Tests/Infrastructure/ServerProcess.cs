using Concord.Server.Tests.Fleet;

namespace Concord.Server.Tests.Infrastructure;

/// <summary>
/// The built server run as its own process on SQLite, started from an empty folder so that nothing depends on the
/// working directory, as an operator runs it (a <see cref="ConcordProcess"/> with one-box defaults). Its output
/// lines are kept for assertions.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ConcordProcess _node;
    private readonly string _folder;

    private ServerProcess(ConcordProcess node, string folder) => (_node, _folder) = (node, folder);

    public string Url => _node.Url;
    public IReadOnlyCollection<string> Output => _node.Lines;

    /// <param name="env">Settings as environment variables (<c>Metrics__Port</c>), over the defaults.</param>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> env, string environmentName = "Production")
    {
        var folder = Directory.CreateTempSubdirectory("concord-process-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environmentName,
            ["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(folder, "concord.db")}",
            ["Auth__BcryptWorkFactor"] = "4",
            ["RateLimiting__Enabled"] = "false",
        };
        foreach (var (k, v) in env) settings[k] = v;
        var server = new ServerProcess(new ConcordProcess("server", settings, workingDirectory: folder), folder);
        try
        {
            await server._node.WaitLiveAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public static int FreePort() => ConcordProcess.FreePort();

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
