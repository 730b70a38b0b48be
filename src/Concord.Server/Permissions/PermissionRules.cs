using Concord.Server.Features.Members;

namespace Concord.Server.Permissions;

/// <summary>
/// The rules as pure functions of roles, so they are unit-tested in isolation and shared by every route and event.
/// Roles rank owner > admin > member.
/// </summary>
public static class PermissionRules
{
    public static MemberRole MinimumRole(ServerAction action) => action switch
    {
        ServerAction.View or ServerAction.SendMessages => MemberRole.Member,
        ServerAction.ManageServer or ServerAction.ManageInvites or ServerAction.ManageChannels
            or ServerAction.KickMembers or ServerAction.BanMembers or ServerAction.ManageMessages => MemberRole.Admin,
        ServerAction.DeleteServer or ServerAction.RegenerateInvite or ServerAction.ManageRoles
            or ServerAction.TransferOwnership => MemberRole.Owner,
        _ => MemberRole.Owner,
    };

    public static bool Allows(MemberRole role, ServerAction action) => role >= MinimumRole(action);

    /// <summary>Acting on another member (kick, ban): the actor must be allowed and strictly outrank the target.</summary>
    public static bool AllowsOn(MemberRole actor, MemberRole target, ServerAction action) =>
        Allows(actor, action) && actor > target;

    /// <summary>
    /// Role changes never create or remove an owner: the owner's role only moves with a transfer,
    /// and nobody is made owner except by a transfer. So exactly one owner exists at all times.
    /// </summary>
    public static bool AllowsRoleChange(MemberRole actor, MemberRole target, MemberRole newRole) =>
        Allows(actor, ServerAction.ManageRoles) && target != MemberRole.Owner && newRole != MemberRole.Owner;

    /// <summary>Everyone but the owner may leave; the owner transfers ownership or deletes the server first.</summary>
    public static bool MayLeave(MemberRole role) => role != MemberRole.Owner;
}
