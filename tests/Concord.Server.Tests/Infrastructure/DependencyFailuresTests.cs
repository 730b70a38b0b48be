using Concord.Server.Infrastructure.Errors;
using Npgsql;
using StackExchange.Redis;

namespace Concord.Server.Tests.Infrastructure;

/// <summary>Which failures are outages (503 unavailable) and which are bugs (500): the table the error handler and the gateway share.</summary>
public sealed class DependencyFailuresTests
{
#pragma warning disable CS0618 // the library's newer constructors add CommandFlags, irrelevant to classifying the type
    private static readonly Dictionary<string, Exception> Failures = new()
    {
        ["redis not connected"] = new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is available"),
        ["redis timeout"] = new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent),
        ["postgres refused"] = new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111)),
        ["postgres reset, wrapped"] = new InvalidOperationException("wrapped", new NpgsqlException("Exception while reading from stream")),
        ["postgres shutting down"] = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
        ["postgres starting up"] = new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow),
        ["unique violation"] = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
        ["NUL in text"] = new PostgresException("invalid byte sequence", "ERROR", "ERROR", PostgresErrorCodes.CharacterNotInRepertoire),
        ["a bug"] = new InvalidOperationException("a bug"),
        ["another timeout"] = new TimeoutException("not a dependency"),
    };
#pragma warning restore CS0618

    [Theory]
    [InlineData("redis not connected", DependencyFailures.Redis)]
    [InlineData("redis timeout", DependencyFailures.Redis)]
    [InlineData("postgres refused", DependencyFailures.Database)]
    [InlineData("postgres reset, wrapped", DependencyFailures.Database)]
    [InlineData("postgres shutting down", DependencyFailures.Database)]
    [InlineData("postgres starting up", DependencyFailures.Database)]
    [InlineData("unique violation", null)]
    [InlineData("NUL in text", null)]
    [InlineData("a bug", null)]
    [InlineData("another timeout", null)]
    public void OutagesAreToldFromBugs(string failure, string? dependency) =>
        Assert.Equal(dependency, DependencyFailures.Classify(Failures[failure]));

    [Fact]
    public void AnOutageIsAnsweredAs503UnavailableWithItsOwnWireCode()
    {
        Assert.Equal(503, ErrorCode.Unavailable.Status());
        Assert.Equal("unavailable", ErrorCode.Unavailable.Wire());
    }
}
