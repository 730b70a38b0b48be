namespace Concord.Server.Permissions;

/// <summary>Everything a member may try to do on a server; <see cref="PermissionRules"/> says who may.</summary>
public enum ServerAction
{
    /// <summary>See the server, its channels, members and messages; join channel rooms.</summary>
    View,
    SendMessages,
    /// <summary>Rename, change icon.</summary>
    ManageServer,
    DeleteServer,
    RegenerateInvite,
    /// <summary>Create, list and revoke extra invites.</summary>
    ManageInvites,
    ManageChannels,
    ManageRoles,
    TransferOwnership,
    KickMembers,
    BanMembers,
    /// <summary>Delete other members' messages (moderation).</summary>
    ManageMessages,
}
