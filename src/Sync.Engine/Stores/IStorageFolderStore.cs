using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>Folders of an iTwin's storage; every iTwin has a root folder (<see cref="StorageFolder.Root"/>) without a record.</summary>
public interface IStorageFolderStore
{
    /// <summary>The folder, the root folder for its derived id, or null.</summary>
    Task<StorageFolder?> GetAsync(string folderId, CancellationToken cancellationToken);

    Task<StorageFolder> CreateAsync(Guid iTwinId, string parentFolderId, string displayName, string? description, string? createdBy, CancellationToken cancellationToken);

    /// <summary>Folders in the folder, not deleted ones.</summary>
    Task<IReadOnlyList<StorageFolder>> ListChildrenAsync(Guid iTwinId, string parentFolderId, CancellationToken cancellationToken);

    /// <summary>Renames or re-describes a folder (null: unchanged); null when there is no such folder.</summary>
    Task<StorageFolder?> UpdateAsync(string folderId, string? displayName, string? description, string? modifiedBy, CancellationToken cancellationToken);

    /// <summary>Puts the folder into the recycle bin, marked as deleted with <paramref name="deletedWith"/>; false when it is not there to delete.</summary>
    Task<bool> MoveToRecycleBinAsync(string folderId, string deletedWith, CancellationToken cancellationToken);

    /// <summary>Every folder that the deletion of <paramref name="deletedWith"/> put into the recycle bin.</summary>
    Task<IReadOnlyList<StorageFolder>> ListDeletedWithAsync(Guid iTwinId, string deletedWith, CancellationToken cancellationToken);

    /// <summary>The folders whose own deletion put them into the recycle bin.</summary>
    Task<IReadOnlyList<StorageFolder>> ListRecycledAsync(Guid iTwinId, CancellationToken cancellationToken);

    /// <summary>Takes the folder back out of the recycle bin (<paramref name="restore"/>) or removes it for good.</summary>
    Task LeaveRecycleBinAsync(StorageFolder folder, bool restore, CancellationToken cancellationToken);
}
