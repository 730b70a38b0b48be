using Concord.Server.Features.Members;
using Concord.Server.Permissions;

namespace Concord.Server.Tests.Permissions;

public sealed class PermissionRulesTests
{
    public static TheoryData<ServerAction, bool, bool, bool> Actions => new()
    {
        // action                          member  admin  owner
        { ServerAction.View,               true,   true,  true },
        { ServerAction.SendMessages,       true,   true,  true },
        { ServerAction.ManageServer,       false,  true,  true },
        { ServerAction.ManageInvites,      false,  true,  true },
        { ServerAction.ManageChannels,     false,  true,  true },
        { ServerAction.KickMembers,        false,  true,  true },
        { ServerAction.BanMembers,         false,  true,  true },
        { ServerAction.ManageMessages,     false,  true,  true },
        { ServerAction.DeleteServer,       false,  false, true },
        { ServerAction.RegenerateInvite,   false,  false, true },
        { ServerAction.ManageRoles,        false,  false, true },
        { ServerAction.TransferOwnership,  false,  false, true },
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public void EachRoleMayDoExactlyItsActions(ServerAction action, bool member, bool admin, bool owner)
    {
        Assert.Equal(member, PermissionRules.Allows(MemberRole.Member, action));
        Assert.Equal(admin, PermissionRules.Allows(MemberRole.Admin, action));
        Assert.Equal(owner, PermissionRules.Allows(MemberRole.Owner, action));
    }

    [Fact]
    public void EveryActionHasARule() =>
        Assert.Equal(Enum.GetValues<ServerAction>().Order(), Actions.Select(row => (ServerAction)row[0]).Order());

    [Theory]
    [InlineData(MemberRole.Owner, MemberRole.Admin, true)]
    [InlineData(MemberRole.Owner, MemberRole.Member, true)]
    [InlineData(MemberRole.Admin, MemberRole.Member, true)]
    [InlineData(MemberRole.Admin, MemberRole.Admin, false)]
    [InlineData(MemberRole.Admin, MemberRole.Owner, false)]
    [InlineData(MemberRole.Owner, MemberRole.Owner, false)]
    [InlineData(MemberRole.Member, MemberRole.Member, false)]
    public void KickingAndBanningNeedAStrictlyHigherRank(MemberRole actor, MemberRole target, bool allowed)
    {
        Assert.Equal(allowed, PermissionRules.AllowsOn(actor, target, ServerAction.KickMembers));
        Assert.Equal(allowed, PermissionRules.AllowsOn(actor, target, ServerAction.BanMembers));
    }

    [Theory]
    [InlineData(MemberRole.Owner, MemberRole.Member, MemberRole.Admin, true)]
    [InlineData(MemberRole.Owner, MemberRole.Admin, MemberRole.Member, true)]
    [InlineData(MemberRole.Owner, MemberRole.Member, MemberRole.Owner, false)]  // would make a second owner
    [InlineData(MemberRole.Owner, MemberRole.Owner, MemberRole.Admin, false)]   // would leave no owner
    [InlineData(MemberRole.Admin, MemberRole.Member, MemberRole.Admin, false)]  // only the owner manages roles
    public void RoleChangesKeepExactlyOneOwner(MemberRole actor, MemberRole target, MemberRole newRole, bool allowed) =>
        Assert.Equal(allowed, PermissionRules.AllowsRoleChange(actor, target, newRole));

    [Fact]
    public void OnlyTheOwnerCannotLeave()
    {
        Assert.False(PermissionRules.MayLeave(MemberRole.Owner));
        Assert.True(PermissionRules.MayLeave(MemberRole.Admin));
        Assert.True(PermissionRules.MayLeave(MemberRole.Member));
    }
}
