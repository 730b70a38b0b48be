using Concord.Server.Infrastructure.Hosting;
using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Fleet;

public sealed class NodeRoleTests
{
    [Theory]
    [InlineData(null, NodeRoles.All)]
    [InlineData("", NodeRoles.All)]
    [InlineData("api", NodeRoles.Api)]
    [InlineData(" gateway , worker", NodeRoles.Gateway | NodeRoles.Worker)]
    [InlineData("API,Gateway,Worker", NodeRoles.All)]
    public void RolesAreReadFromACommaSeparatedList(string? value, NodeRoles expected) =>
        Assert.Equal(expected, NodeOptions.Parse(value));

    [Fact]
    public void AnUnknownRoleIsRefusedByName()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => NodeOptions.Parse("api,web"));
        Assert.Contains("'web'", ex.Message);
    }

    [Fact]
    public void SplitRolesWithoutRedisAndPostgresRefuseToStart()
    {
        using var app = new ConcordApp(Backend.Sqlite, new Dictionary<string, string?> { ["Concord:Roles"] = "api" });
        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Concord:Roles=api", ex.ToString());
    }
}
