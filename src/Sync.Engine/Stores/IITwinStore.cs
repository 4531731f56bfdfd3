using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>iTwins and their members. The member record is the authority on access; a user's list of iTwins is an index of it.</summary>
public interface IITwinStore
{
    /// <summary>Creates the iTwin with <paramref name="iTwin"/>.CreatedBy as its Owner, in one atomic write.</summary>
    Task CreateAsync(ITwin iTwin, CancellationToken cancellationToken);

    Task<ITwin?> GetAsync(Guid iTwinId, CancellationToken cancellationToken);

    /// <summary>The user's role in the iTwin; null when the user is not a member (or there is no such iTwin).</summary>
    Task<Role?> GetRoleAsync(Guid iTwinId, string userId, CancellationToken cancellationToken);

    /// <summary>Ids of the iTwins the user was made a member of (verify with <see cref="GetRoleAsync"/>: the index may lag a failed write).</summary>
    Task<IReadOnlyList<Guid>> ListITwinIdsOfUserAsync(string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ITwinMember>> ListMembersAsync(Guid iTwinId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the user or changes their role. Refused with <see cref="StoreConflictException"/>
    /// (<see cref="ConflictReason.ConcurrentChange"/>) when it would leave the iTwin without an Owner.
    /// </summary>
    Task<ITwinMember> SetMemberAsync(Guid iTwinId, string userId, Role role, CancellationToken cancellationToken);

    /// <summary>Removes the user; false when they were not a member. Refused like <see cref="SetMemberAsync"/> for the last Owner.</summary>
    Task<bool> RemoveMemberAsync(Guid iTwinId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Gives every iTwin that data refers to but that has no record (iTwins used before access control existed)
    /// a record with <paramref name="ownerId"/> as its Owner. Returns the ids it adopted.
    /// </summary>
    Task<IReadOnlyList<Guid>> AdoptUnrecordedAsync(string ownerId, CancellationToken cancellationToken);
}
