using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>Folders of an iTwin's storage; every iTwin has a root folder (<see cref="StorageFolder.Root"/>) without a record.</summary>
public interface IStorageFolderStore
{
    /// <summary>The folder, the root folder for its derived id, or null.</summary>
    Task<StorageFolder?> GetAsync(string folderId, CancellationToken cancellationToken);

    Task<StorageFolder> CreateAsync(Guid iTwinId, string parentFolderId, string displayName, string? description, string? createdBy, CancellationToken cancellationToken);

    Task<IReadOnlyList<StorageFolder>> ListChildrenAsync(Guid iTwinId, string parentFolderId, CancellationToken cancellationToken);
}
