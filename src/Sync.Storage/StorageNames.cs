namespace Sync.Storage;

/// <summary>Table and container names, derived from the configured prefix.</summary>
public sealed class StorageNames(string prefix)
{
    public string IModelsTable { get; } = prefix + "imodels";

    public string IModelIndexTable { get; } = prefix + "imodelindex";

    public string StorageFilesTable { get; } = prefix + "storagefiles";

    public string ConnectionsTable { get; } = prefix + "connections";

    public string ChangesetsTable { get; } = prefix + "changesets";

    public string RunsTable { get; } = prefix + "runs";

    /// <summary>The tasks of runs while they execute, one row each (completed runs keep theirs in the run's row).</summary>
    public string RunTasksTable { get; } = prefix + "runtasks";

    /// <summary>iTwins, their members, and each user's list of iTwins.</summary>
    public string ITwinsTable { get; } = prefix + "itwins";

    /// <summary>Users' stored authorization grants (encrypted refresh tokens).</summary>
    public string UserGrantsTable { get; } = prefix + "usergrants";

    /// <summary>Storage API uploads in flight (PUT by clients through SAS URLs): a file's version only once completed.</summary>
    public string UploadsContainer { get; } = prefix.ToLowerInvariant() + "-uploads";

    /// <summary>Folders of iTwin storage (the root folder of each iTwin has no row).</summary>
    public string StorageFoldersTable { get; } = prefix + "storagefolders";

    public string StorageContainer { get; } = prefix.ToLowerInvariant() + "-storage";

    /// <summary>Engine blobs: snapshots, staged operations, changesets, state documents.</summary>
    public string SyncContainer { get; } = prefix.ToLowerInvariant() + "-sync";

    public IEnumerable<string> Tables => [IModelsTable, IModelIndexTable, StorageFilesTable, ConnectionsTable, ChangesetsTable, RunsTable, RunTasksTable, ITwinsTable, UserGrantsTable, StorageFoldersTable];

    public IEnumerable<string> Containers => [StorageContainer, SyncContainer, UploadsContainer];
}
