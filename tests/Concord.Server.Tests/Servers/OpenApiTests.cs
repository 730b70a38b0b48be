using Concord.Server.Tests.Infrastructure;

namespace Concord.Server.Tests.Servers;

public sealed class OpenApiTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task TheOpenApiDocumentListsEveryServersRoute()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths");
        foreach (var (path, method, operationId) in new[]
        {
            ("/api/servers", "post", "CreateServer"),
            ("/api/servers", "get", "ListMyServers"),
            ("/api/servers/{serverId}", "get", "GetServer"),
            ("/api/servers/{serverId}", "patch", "UpdateServer"),
            ("/api/servers/{serverId}", "delete", "DeleteServer"),
            ("/api/servers/{serverId}/leave", "post", "LeaveServer"),
            ("/api/servers/join", "post", "JoinServer"),
            ("/api/servers/{serverId}/invite", "post", "RegenerateInviteCode"),
            ("/api/servers/{serverId}/invites", "post", "CreateInvite"),
            ("/api/invites/{code}", "get", "PreviewInvite"),
            ("/api/servers/{serverId}/invites", "get", "ListInvites"),
            ("/api/invites/{code}", "delete", "RevokeInvite"),
            ("/api/servers/{serverId}/channels", "post", "CreateChannel"),
            ("/api/channels/{channelId}", "patch", "UpdateChannel"),
            ("/api/channels/{channelId}", "delete", "DeleteChannel"),
            ("/api/servers/{serverId}/members", "get", "ListMembers"),
            ("/api/servers/{serverId}/members/{userId}", "patch", "ChangeMemberRole"),
            ("/api/servers/{serverId}/members/{userId}", "delete", "KickMember"),
            ("/api/servers/{serverId}/transfer", "post", "TransferOwnership"),
            ("/api/servers/{serverId}/bans", "get", "ListBans"),
            ("/api/servers/{serverId}/bans/{userId}", "put", "BanUser"),
            ("/api/servers/{serverId}/bans/{userId}", "delete", "UnbanUser"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from /openapi/v1.json");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method.ToUpperInvariant()} {path} is missing");
            Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
            Assert.True(operation.GetProperty("tags").GetArrayLength() > 0, $"{operationId} has a tag");
        }
    }
}
