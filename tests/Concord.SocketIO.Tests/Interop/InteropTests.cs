using Concord.SocketIO.Tests.Infrastructure;

namespace Concord.SocketIO.Tests.Interop;

public sealed class InteropHostFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(InteropApp.Configure, InteropApp.Setup);
        await NodeRunner.EnsureInstalledAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The official npm socket.io-client v4 against this server, one scenario file per test.</summary>
public sealed class InteropTests(InteropHostFixture fixture) : IClassFixture<InteropHostFixture>
{
    [Theory]
    [InlineData("transports.test.mjs")]
    [InlineData("events.test.mjs")]
    [InlineData("binary.test.mjs")]
    [InlineData("namespaces.test.mjs")]
    [InlineData("rooms.test.mjs")]
    [InlineData("disconnects.test.mjs")]
    public async Task OfficialClientScenarioPasses(string file)
    {
        var (exitCode, output) = await NodeRunner.RunScenarioAsync(file, fixture.Host.BaseUri);
        Assert.True(exitCode == 0, $"node --test {file} exited with {exitCode}:\n{output}");
    }
}
