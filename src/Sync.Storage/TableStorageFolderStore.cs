using Azure.Data.Tables;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>Folder rows in one partition per iTwin; ids carry the iTwin (<see cref="ScopedId"/>), so a lookup by id is a point read.</summary>
public sealed class TableStorageFolderStore(StorageAccount account) : IStorageFolderStore
{
    private readonly TableClient _table = account.Table(account.Names.StorageFoldersTable);

    public async Task<StorageFolder?> GetAsync(string folderId, CancellationToken cancellationToken)
    {
        if (!ScopedId.TryGetScope(folderId, out Guid iTwinId))
        {
            return null;
        }

        if (folderId == ScopedId.Fixed(iTwinId))
        {
            return StorageFolder.Root(iTwinId);
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(iTwinId.ToString("D"), folderId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? ToFolder(row.Value) : null;
    }

    public async Task<StorageFolder> CreateAsync(Guid iTwinId, string parentFolderId, string displayName, string? description, string? createdBy, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var folder = new StorageFolder(ScopedId.New(iTwinId), iTwinId, displayName, description, parentFolderId, now, now, createdBy);
        await _table.AddEntityAsync(new TableEntity(iTwinId.ToString("D"), folder.Id)
        {
            ["DisplayName"] = folder.DisplayName,
            ["Description"] = folder.Description,
            ["ParentFolderId"] = folder.ParentFolderId,
            ["CreatedDateTime"] = folder.CreatedDateTime,
            ["LastModifiedDateTime"] = folder.LastModifiedDateTime,
            ["LastModifiedBy"] = folder.LastModifiedBy,
        }, cancellationToken).ConfigureAwait(false);
        return folder;
    }

    public async Task<IReadOnlyList<StorageFolder>> ListChildrenAsync(Guid iTwinId, string parentFolderId, CancellationToken cancellationToken)
    {
        var list = new List<StorageFolder>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {iTwinId.ToString("D")} and ParentFolderId eq {parentFolderId}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToFolder(row));
        }

        return list.OrderBy(f => f.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    private static StorageFolder ToFolder(TableEntity row) => new(
        row.RowKey,
        Guid.Parse(row.PartitionKey),
        row.GetString("DisplayName"),
        row.GetString("Description"),
        row.GetString("ParentFolderId"),
        row.GetDateTimeOffset("CreatedDateTime") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("LastModifiedDateTime") ?? DateTimeOffset.MinValue,
        row.GetString("LastModifiedBy"));
}
