namespace Sync.Engine.Model;

/// <summary>
/// The unit of access: every iModel, file, connection, run, configuration scope, changeset and element belongs to
/// exactly one iTwin, and callers act on it through their <see cref="Role"/> there.
/// </summary>
public sealed record ITwin(Guid Id, string DisplayName, string CreatedBy, DateTimeOffset CreatedDateTime);

/// <summary>What a member may do in an iTwin; each role includes the ones below it.</summary>
public enum Role
{
    /// <summary>Reads everything of the iTwin.</summary>
    Reader = 1,

    /// <summary>Also creates and updates, starts and cancels runs.</summary>
    Member = 2,

    /// <summary>Also deletes, and manages the members.</summary>
    Owner = 3,
}

/// <summary>A user's role in an iTwin.</summary>
public sealed record ITwinMember(Guid ITwinId, string UserId, Role Role, DateTimeOffset AddedDateTime);
