namespace Sync.Storage;

/// <summary>Table and container names, derived from the configured prefix.</summary>
public sealed class StorageNames(string prefix)
{
    public string IModelsTable { get; } = prefix + "imodels";

    public string IModelIndexTable { get; } = prefix + "imodelindex";

    public string StorageFilesTable { get; } = prefix + "storagefiles";

    public string ConnectionsTable { get; } = prefix + "connections";

    public string StorageContainer { get; } = prefix.ToLowerInvariant() + "-storage";

    public IEnumerable<string> Tables => [IModelsTable, IModelIndexTable, StorageFilesTable, ConnectionsTable];

    public IEnumerable<string> Containers => [StorageContainer];
}
