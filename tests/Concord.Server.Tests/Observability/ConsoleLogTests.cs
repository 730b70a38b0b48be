using System.Text.Json;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Observability;

/// <summary>The built dll run from an unrelated folder: its defaults still apply, and the log format follows the environment.</summary>
public sealed class ConsoleLogTests
{
    [Fact]
    public async Task InProductionEveryLineIsJsonAndTheDefaultsApplyFromAnyWorkingDirectory()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>());
        await RegisterAsync(server);

        var lines = server.Output.Where(l => l.Length > 0).ToList();
        Assert.Contains(lines, l => l.Contains("Now listening on", StringComparison.Ordinal));
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        // appsettings.json (next to the dll) keeps EF Core's SQL at Warning: without it, every statement is logged.
        Assert.DoesNotContain(lines, l => l.Contains("Executed DbCommand", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InDevelopmentEachEventIsOneReadableLine()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(), environmentName: "Development");
        await RegisterAsync(server);

        var lines = server.Output.Where(l => l.Length > 0).ToList();
        var listening = Assert.Single(lines, l => l.Contains("Now listening on", StringComparison.Ordinal));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} info: Microsoft\.Hosting\.Lifetime\[\d+\] Now listening on: http://127\.0\.0\.1:\d+$", listening);
        Assert.DoesNotContain(lines, l => l.StartsWith('{'));
    }

    private static async Task RegisterAsync(ServerProcess server)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(server.Url + "/api/auth/register", new StringContent(
            $$"""{"email":"p{{Guid.NewGuid():N}}@example.com","username":"proc","password":"correct-horse"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }
}
