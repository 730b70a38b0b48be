using System.Diagnostics;
using System.Net;
using Concord.Server.Features.Calls;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Calls;

/// <summary>The credentials the endpoint issues are accepted by a real coturn; forged and expired ones are refused.</summary>
public sealed class IceServersTests : IClassFixture<IceServersTests.TurnApp>
{
    public sealed class TurnApp() : ConcordApp(Backend.Sqlite, new Dictionary<string, string?>
    {
        ["Calls:StunUrls:0"] = $"stun:{TestEnvironment.Turn}",
        ["Calls:TurnUrls:0"] = $"turn:{TestEnvironment.Turn}?transport=udp",
        ["Calls:TurnSecret"] = TestEnvironment.TurnSecret,
        ["Calls:TurnCredentialLifetime"] = "01:00:00",
    });

    private readonly TurnApp _app;
    public IceServersTests(TurnApp app) => _app = app;

    [Fact]
    public async Task IceServersNeedAuthentication() =>
        await (await _app.CreateClient().GetAsync("/api/calls/ice-servers")).AssertProblemAsync(HttpStatusCode.Unauthorized);

    [Fact]
    public async Task IssuedTurnCredentialsAllocateOnARealCoturn()
    {
        var user = await _app.NewUser().RegisterAsync();
        var body = await (await user.GetAsync("/api/calls/ice-servers")).JsonAsync();
        var servers = body.GetProperty("iceServers").EnumerateArray().ToArray();
        Assert.Equal($"stun:{TestEnvironment.Turn}", servers[0].GetProperty("urls")[0].GetString());
        var turn = servers[1];
        var username = turn.GetProperty("username").GetString()!;
        var credential = turn.GetProperty("credential").GetString()!;

        var expiry = long.Parse(username.Split(':')[0]);
        Assert.InRange(expiry - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3700);
        Assert.Equal(user.Id, username.Split(':')[1]);

        var (ok, output) = await AllocateAsync(username, credential);
        Assert.True(ok, output);
    }

    [Fact]
    public async Task CoturnRefusesAForgedCredential()
    {
        var user = await _app.NewUser().RegisterAsync();
        var turn = (await (await user.GetAsync("/api/calls/ice-servers")).JsonAsync()).GetProperty("iceServers")[1];
        var (ok, output) = await AllocateAsync(turn.GetProperty("username").GetString()!, "Zm9yZ2VkLWNyZWRlbnRpYWw=");
        Assert.False(ok, output);
    }

    [Fact]
    public async Task CoturnRefusesAnExpiredCredential()
    {
        var options = new CallOptions { TurnSecret = TestEnvironment.TurnSecret, TurnCredentialLifetime = TimeSpan.FromHours(1) };
        var twoHoursAgo = new FixedTime(DateTimeOffset.UtcNow.AddHours(-2));
        var (username, credential, _) = new TurnCredentials(options, twoHoursAgo).Issue(42);
        var (ok, output) = await AllocateAsync(username, credential);
        Assert.False(ok, output);

        // The same code with the current time is accepted, so the refusal above is the expiry alone.
        var (fresh, freshCredential, _) = new TurnCredentials(options, TimeProvider.System).Issue(42);
        var (freshOk, freshOutput) = await AllocateAsync(fresh, freshCredential);
        Assert.True(freshOk, freshOutput);
    }

    /// <summary>coturn's own client allocates a relay with the credentials and sends one message through it.</summary>
    private static async Task<(bool Ok, string Output)> AllocateAsync(string username, string credential)
    {
        var port = TestEnvironment.Turn.Split(':')[1];
        var psi = new ProcessStartInfo("turnutils_uclient", ["-p", port, "-n", "1", "-m", "1", "-y", "-c", "-u", username, "-w", credential, "127.0.0.1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        return (process.ExitCode == 0 && !output.Contains("Cannot complete Allocation", StringComparison.Ordinal), output);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
