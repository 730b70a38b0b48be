namespace Concord.Server.Tests.Infrastructure;

/// <summary>The real PostgreSQL and Redis that ./test.sh starts, handed over in environment variables.</summary>
public static class TestEnvironment
{
    public static string Postgres => Required("CONCORD_TEST_POSTGRES");
    public static string Redis => Required("CONCORD_TEST_REDIS");
    /// <summary>A streaming replica of <see cref="Postgres"/> (hot standby).</summary>
    public static string PostgresReplica => Required("CONCORD_TEST_POSTGRES_REPLICA");
    /// <summary>host:port of the coturn that ./test.sh starts with use-auth-secret.</summary>
    public static string Turn => Required("CONCORD_TEST_TURN");
    public static string TurnSecret => Required("CONCORD_TEST_TURN_SECRET");
    /// <summary>The Prometheus of tests/services/prometheus.sh, and the folder whose *.json files are its scrape targets.</summary>
    public static string Prometheus => Required("CONCORD_TEST_PROMETHEUS");
    public static string PrometheusTargets => Required("CONCORD_TEST_PROMETHEUS_TARGETS");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh, which starts PostgreSQL and Redis.");
}
