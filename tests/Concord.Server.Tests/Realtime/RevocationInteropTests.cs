using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Realtime;

/// <summary>tests/interop/chat/security.test.mjs: revocation ends sockets and tokens; control characters are refused in acks.</summary>
public sealed class RevocationInteropTests
{
    [Fact]
    public async Task OnOneSqliteNodeRevocationEndsSocketsAndControlCharactersAreRefused()
    {
        using var app = new RealtimeApp(Backend.Sqlite);
        await NodeScenarios.RunAsync("security.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = app.Url });
    }

    /// <summary>
    /// Two nodes on one PostgreSQL and one Redis. The token-version cache lives ten minutes here, so a revocation made on
    /// one node can only reach the other through Redis.
    /// </summary>
    [Fact]
    public async Task AcrossTwoNodesRevocationEndsSocketsAndTokensOnBoth()
    {
        var settings = new Dictionary<string, string?> { ["Auth:TokenVersionCacheTtl"] = "00:10:00", ["Snowflake:WorkerId"] = "1" };
        using var a = new RealtimeApp(Backend.Postgres, settings);
        using var b = new RealtimeApp(Backend.Postgres, new Dictionary<string, string?>(settings) { ["Snowflake:WorkerId"] = "2" }, reuseDatabaseOf: a.DatabaseName);
        await NodeScenarios.RunAsync("security.test.mjs", new Dictionary<string, string> { ["CONCORD_URL"] = a.Url, ["CONCORD_URL_B"] = b.Url });
    }
}
