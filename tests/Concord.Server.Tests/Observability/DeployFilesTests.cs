using Concord.Server.Tests.Infrastructure;
using Concord.Tests.Shared;

namespace Concord.Server.Tests.Observability;

/// <summary>
/// The container files cannot run here (no container runtime): they are kept honest by validating compose.yaml
/// against the Compose specification's schema and by running the test fleet on the same env file.
/// </summary>
public sealed class DeployFilesTests
{
    [Fact]
    public async Task TheComposeFileIsValidAgainstTheComposeSpecificationAndTakesEverySecretFromDotEnv()
    {
        await NodeProcess.EnsureInstalledAsync();
        var (code, output) = await NodeProcess.RunAsync("node", ["--test", "--test-reporter=spec", Path.Combine("deploy", "compose.test.mjs")],
            new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
    }

    [Fact]
    public void TheSharedNodeSettingsAreConfigurationKeysWithoutSecrets()
    {
        var settings = DeployEnv.Read();
        Assert.Equal("Production", settings["ASPNETCORE_ENVIRONMENT"]);
        Assert.Contains(settings, kv => kv.Key.StartsWith("Metrics:AllowedNetworks:", StringComparison.Ordinal));
        Assert.DoesNotContain(settings.Keys, k => k.Contains("Password", StringComparison.OrdinalIgnoreCase)
            || k.Contains("Secret", StringComparison.OrdinalIgnoreCase) || k.Contains("SigningKey", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ConnectionStrings:", StringComparison.Ordinal));
    }
}
