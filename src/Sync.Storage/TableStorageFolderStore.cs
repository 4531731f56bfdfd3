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
        return row.HasValue && row.Value is not null && row.Value.GetString("DeletedWith") is null ? ToFolder(row.Value) : null;
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
            if (row.GetString("DeletedWith") is null)
            {
                list.Add(ToFolder(row));
            }
        }

        return list.OrderBy(f => f.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<StorageFolder?> UpdateAsync(string folderId, string? displayName, string? description, string? modifiedBy, CancellationToken cancellationToken)
    {
        if (await GetAsync(folderId, cancellationToken).ConfigureAwait(false) is not { IsRoot: false } folder)
        {
            return null;
        }

        var updated = folder with
        {
            DisplayName = displayName ?? folder.DisplayName,
            Description = description ?? folder.Description,
            LastModifiedDateTime = DateTimeOffset.UtcNow,
            LastModifiedBy = modifiedBy ?? folder.LastModifiedBy,
        };
        await _table.UpdateEntityAsync(new TableEntity(Key(folder), folder.Id)
        {
            ["DisplayName"] = updated.DisplayName,
            ["Description"] = updated.Description,
            ["LastModifiedDateTime"] = updated.LastModifiedDateTime,
            ["LastModifiedBy"] = updated.LastModifiedBy,
        }, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task<bool> MoveToRecycleBinAsync(string folderId, string deletedWith, CancellationToken cancellationToken)
    {
        if (await GetAsync(folderId, cancellationToken).ConfigureAwait(false) is not { IsRoot: false } folder)
        {
            return false;
        }

        await _table.UpdateEntityAsync(new TableEntity(Key(folder), folder.Id) { ["DeletedWith"] = deletedWith, ["DeletedDateTime"] = DateTimeOffset.UtcNow }, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<StorageFolder>> ListDeletedWithAsync(Guid iTwinId, string deletedWith, CancellationToken cancellationToken) =>
        await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {iTwinId.ToString("D")} and DeletedWith eq {deletedWith}"), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<StorageFolder>> ListRecycledAsync(Guid iTwinId, CancellationToken cancellationToken) =>
        (await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {iTwinId.ToString("D")}"), cancellationToken).ConfigureAwait(false))
            .Where(f => f.DeletedWith == f.Id).ToList();

    public async Task LeaveRecycleBinAsync(StorageFolder folder, bool restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(folder), folder.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is null)
        {
            return;
        }

        if (restore)
        {
            row.Value.Remove("DeletedWith");
            row.Value.Remove("DeletedDateTime");
            await _table.UpdateEntityAsync(row.Value, Azure.ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _table.DeleteEntityAsync(Key(folder), folder.Id, Azure.ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<StorageFolder>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var list = new List<StorageFolder>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToFolder(row));
        }

        return list;
    }

    private static string Key(StorageFolder folder) => folder.ITwinId.ToString("D");

    private static StorageFolder ToFolder(TableEntity row) => new(
        row.RowKey,
        Guid.Parse(row.PartitionKey),
        row.GetString("DisplayName"),
        row.GetString("Description"),
        row.GetString("ParentFolderId"),
        row.GetDateTimeOffset("CreatedDateTime") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("LastModifiedDateTime") ?? DateTimeOffset.MinValue,
        row.GetString("LastModifiedBy"))
    {
        DeletedWith = row.GetString("DeletedWith"),
    };
}
