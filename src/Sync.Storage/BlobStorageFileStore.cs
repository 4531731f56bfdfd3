using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// Storage files: metadata rows (partition = iTwin) and one blob per content version. New content is written
/// to a fresh blob first and becomes current only by an ETag-conditioned update of the row, so a failed or
/// oversized upload never touches the current version and concurrent replacements each get their own version.
/// Every blob this store writes or adopts carries the <see cref="VersionMark"/> metadata, so a blob without it was
/// written straight into the container by another tool (see <see cref="AdoptDirectWriteAsync"/>).
/// </summary>
public sealed class BlobStorageFileStore(StorageAccount account, StorageOptions options) : IStorageFileStore
{
    /// <summary>Metadata on every version blob this store wrote or adopted: the file id.</summary>
    public const string VersionMark = "syncfileid";

    private readonly TableClient _rows = account.Table(account.Names.StorageFilesTable);
    private readonly BlobContainerClient _container = account.Container(account.Names.StorageContainer);
    private readonly BlobContainerClient _uploads = account.Container(account.Names.UploadsContainer);

    public async Task<StorageFile> UploadAsync(Guid iTwinId, string name, Stream content, CancellationToken cancellationToken)
    {
        string id = ScopedId.New(iTwinId);
        var (blobName, size, hash) = await WriteVersionBlobAsync(iTwinId, id, content, cancellationToken).ConfigureAwait(false);
        var file = new StorageFile(id, iTwinId, name, size, hash, 1, DateTimeOffset.UtcNow, blobName)
        {
            ParentFolderId = ScopedId.Fixed(iTwinId),
            CreatedDateTime = DateTimeOffset.UtcNow,
        };
        await _rows.AddEntityAsync(ToRow(file), cancellationToken).ConfigureAwait(false);
        return file;
    }

    public async Task<StorageFile?> ReplaceContentAsync(string fileId, Stream content, CancellationToken cancellationToken)
    {
        var current = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
        if (current is null || current.GetString("DeletedWith") is not null)
        {
            return null;
        }

        var iTwinId = Guid.Parse(current.PartitionKey);
        var (blobName, size, hash) = await WriteVersionBlobAsync(iTwinId, fileId, content, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var before = ToFile(current);
            var after = before with { Size = size, ContentHash = hash, Version = before.Version + 1, LastModified = DateTimeOffset.UtcNow, BlobName = blobName, Pending = false };
            try
            {
                await _rows.UpdateEntityAsync(ToRow(after), current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                await DeleteVersionBlobAsync(before.BlobName, cancellationToken).ConfigureAwait(false);
                return after;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                current = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    await _container.DeleteBlobIfExistsAsync(blobName, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return null;
                }
            }
        }
    }

    public async Task<StorageFile?> GetAsync(string fileId, CancellationToken cancellationToken) =>
        await FindAsync(fileId, cancellationToken).ConfigureAwait(false) is { Pending: false, DeletedWith: null } file ? file : null;

    public async Task<StorageFile?> FindAsync(string fileId, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToFile(row);
    }

    public async Task<StorageFile> CreatePendingAsync(Guid iTwinId, string parentFolderId, string name, string? description, string? modifiedBy, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var file = new StorageFile(ScopedId.New(iTwinId), iTwinId, name, 0, string.Empty, 0, now, string.Empty)
        {
            ParentFolderId = parentFolderId,
            Description = description,
            Pending = true,
            CreatedDateTime = now,
            LastModifiedBy = modifiedBy,
        };
        await _rows.AddEntityAsync(ToRow(file), cancellationToken).ConfigureAwait(false);
        return file;
    }

    public async Task<Uri?> BeginUploadAsync(string fileId, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        string? uploadName = null;
        var updated = await UpdateRowAsync(fileId, row =>
        {
            uploadName = $"{row.PartitionKey}/{fileId}/{Guid.NewGuid():N}";
            row["PendingUpload"] = uploadName;
            return row.GetString("DeletedWith") is null;
        }, cancellationToken).ConfigureAwait(false);
        return updated is null
            ? null
            : await account.SasUriAsync(_uploads.GetBlobClient(uploadName), Azure.Storage.Sas.BlobSasPermissions.Create | Azure.Storage.Sas.BlobSasPermissions.Write, lifetime, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StorageFile?> CompleteUploadAsync(string fileId, string? modifiedBy, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.GetString("DeletedWith") is not null)
        {
            return null;
        }

        string uploadName = row.GetString("PendingUpload") ?? throw new UploadMissingException(fileId);
        var upload = _uploads.GetBlobClient(uploadName);
        string blobName;
        long size;
        string hash;
        try
        {
            await using var content = (await upload.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Content;
            (blobName, size, hash) = await WriteVersionBlobAsync(Guid.Parse(row.PartitionKey), fileId, content, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new UploadMissingException(fileId);
        }

        string? replaced = null;
        var completed = await UpdateRowAsync(fileId, current =>
        {
            var before = ToFile(current);
            replaced = before.BlobName;
            var after = before with
            {
                Size = size,
                ContentHash = hash,
                Version = before.Version + 1,
                LastModified = DateTimeOffset.UtcNow,
                BlobName = blobName,
                Pending = false,
                LastModifiedBy = modifiedBy ?? before.LastModifiedBy,
            };
            foreach (var (key, value) in ToRow(after))
            {
                current[key] = value;
            }

            current.Remove("PendingUpload");
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await DeleteVersionBlobAsync(completed is null ? blobName : replaced, cancellationToken).ConfigureAwait(false);
        await upload.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return completed is null ? null : ToFile(completed);
    }

    public async Task<Uri?> DownloadUrlAsync(string fileId, TimeSpan lifetime, CancellationToken cancellationToken) =>
        await GetAsync(fileId, cancellationToken).ConfigureAwait(false) is { } file
            ? await account.SasUriAsync(_container.GetBlobClient(file.BlobName), Azure.Storage.Sas.BlobSasPermissions.Read, lifetime, cancellationToken).ConfigureAwait(false)
            : null;

    public async Task<StorageFile?> UpdateMetadataAsync(string fileId, string? name, string? description, string? modifiedBy, CancellationToken cancellationToken)
    {
        var row = await UpdateRowAsync(fileId, current =>
        {
            current["Name"] = name ?? current.GetString("Name");
            current["Description"] = description ?? current.GetString("Description");
            current["LastModifiedBy"] = modifiedBy ?? current.GetString("LastModifiedBy");
            return current.GetString("DeletedWith") is null && current.GetBoolean("Pending") != true;
        }, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToFile(row);
    }

    public async Task<IReadOnlyList<StorageFile>> ListInFolderAsync(Guid iTwinId, string folderId, CancellationToken cancellationToken)
    {
        string root = ScopedId.Fixed(iTwinId);
        var files = new List<StorageFile>();
        await foreach (var row in _rows.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {iTwinId.ToString("D")}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var file = ToFile(row);
            if (!file.Pending && file.DeletedWith is null && (file.ParentFolderId ?? root) == folderId)
            {
                files.Add(file);
            }
        }

        return files.OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> MoveToRecycleBinAsync(string fileId, string deletedWith, CancellationToken cancellationToken) =>
        await UpdateRowAsync(fileId, row =>
        {
            if (row.GetBoolean("Pending") == true || row.GetString("DeletedWith") is not null)
            {
                return false;
            }

            row["DeletedWith"] = deletedWith;
            row["DeletedDateTime"] = DateTimeOffset.UtcNow;
            return true;
        }, cancellationToken).ConfigureAwait(false) is not null;

    public async Task<IReadOnlyList<StorageFile>> ListRecycledAsync(Guid iTwinId, CancellationToken cancellationToken)
    {
        var files = new List<StorageFile>();
        await foreach (var row in _rows.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {iTwinId.ToString("D")}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("DeletedWith") is not null)
            {
                files.Add(ToFile(row));
            }
        }

        return files;
    }

    public async Task LeaveRecycleBinAsync(StorageFile file, bool restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!restore)
        {
            await DeleteAsync(file.Id, cancellationToken).ConfigureAwait(false);
            return;
        }

        await UpdateRowAsync(file.Id, row =>
        {
            row.Remove("DeletedWith");
            row.Remove("DeletedDateTime");
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the file's row under its ETag (retried on a lost race); null when there is
    /// no such file or <paramref name="change"/> declines (returns false).
    /// </summary>
    private async Task<TableEntity?> UpdateRowAsync(string fileId, Func<TableEntity, bool> change, CancellationToken cancellationToken)
    {
        while (await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false) is { } row)
        {
            var etag = row.ETag;
            if (!change(row))
            {
                return null;
            }

            try
            {
                await _rows.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return row;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
            }
        }

        return null;
    }

    private async Task DeleteVersionBlobAsync(string? blobName, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(blobName))
        {
            await _container.DeleteBlobIfExistsAsync(blobName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<(StorageFile File, Stream Content)?> OpenReadAsync(string fileId, CancellationToken cancellationToken)
    {
        // A replacement may delete the version we just looked up; read the row again and retry once then.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var file = await GetAsync(fileId, cancellationToken).ConfigureAwait(false);
            if (file is null)
            {
                return null;
            }

            try
            {
                var download = await _container.GetBlobClient(file.BlobName).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return (file, download.Value.Content);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }

        return null;
    }

    public async Task<bool> DeleteAsync(string fileId, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        try
        {
            await _rows.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }

        await DeleteVersionBlobAsync(row.GetString("BlobName"), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<DirectWrite> AdoptDirectWriteAsync(string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        string[] parts = blobName.Split('/');
        if (parts.Length < 3 || !Guid.TryParse(parts[0], out Guid iTwinId) || !ScopedId.TryGetScope(parts[1], out Guid scope) || scope != iTwinId)
        {
            return new DirectWrite(DirectWriteOutcome.NotAFile);
        }

        var blob = _container.GetBlobClient(blobName);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new DirectWrite(DirectWriteOutcome.Known);
        }

        if (properties.Metadata.ContainsKey(VersionMark))
        {
            return new DirectWrite(DirectWriteOutcome.Known);
        }

        var row = await GetRowAsync(parts[1], cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return new DirectWrite(DirectWriteOutcome.NotAFile);
        }

        if (properties.ContentLength > options.MaxFileBytes)
        {
            return new DirectWrite(DirectWriteOutcome.TooLarge);
        }

        if (await IsOlderThanCurrentAsync(properties, row.GetString("BlobName"), blobName, cancellationToken).ConfigureAwait(false))
        {
            // Written before the file's current version (both times by the storage service's clock): superseded already.
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new DirectWrite(DirectWriteOutcome.Known);
        }

        // Hash exactly the bytes we saw (a newer write fails the condition; its own event adopts it).
        var unchanged = new BlobRequestConditions { IfMatch = properties.ETag };
        string hash;
        try
        {
            await using var content = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = unchanged }, cancellationToken).ConfigureAwait(false)).Value.Content;
            await using var counted = new HashingLimitedStream(content, options.MaxFileBytes);
            await counted.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            hash = counted.HashHex();
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return new DirectWrite(DirectWriteOutcome.Known);
        }

        var adopted = await MakeCurrentAsync(row, blobName, properties.ContentLength, hash, cancellationToken).ConfigureAwait(false);
        try
        {
            await blob.SetMetadataAsync(new Dictionary<string, string> { [VersionMark] = parts[1] }, unchanged, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Written again meanwhile: that write is adopted when it is seen.
        }

        return adopted;
    }

    public async IAsyncEnumerable<BlobVersion> ListDirectWritesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken).ConfigureAwait(false))
        {
            if (item.Metadata is null || !item.Metadata.ContainsKey(VersionMark))
            {
                yield return new BlobVersion(item.Name, item.Properties.ETag?.ToString() ?? string.Empty);
            }
        }
    }

    private async Task<bool> IsOlderThanCurrentAsync(BlobProperties written, string currentBlobName, string writtenBlobName, CancellationToken cancellationToken)
    {
        if (currentBlobName == writtenBlobName)
        {
            return false;
        }

        try
        {
            var current = await _container.GetBlobClient(currentBlobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return written.LastModified < current.Value.LastModified;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Makes a blob the file's current content: a new version when its bytes differ from the current one's.</summary>
    private async Task<DirectWrite> MakeCurrentAsync(TableEntity? current, string blobName, long size, string hash, CancellationToken cancellationToken)
    {
        while (current is not null)
        {
            var before = ToFile(current);
            bool sameContent = before.ContentHash == hash;
            var after = sameContent
                ? before with { BlobName = blobName }
                : before with { Size = size, ContentHash = hash, Version = before.Version + 1, LastModified = DateTimeOffset.UtcNow, BlobName = blobName, Pending = false };
            try
            {
                await _rows.UpdateEntityAsync(ToRow(after), current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                if (before.BlobName != blobName)
                {
                    await DeleteVersionBlobAsync(before.BlobName, cancellationToken).ConfigureAwait(false);
                }

                return new DirectWrite(sameContent ? DirectWriteOutcome.SameContent : DirectWriteOutcome.NewVersion, after);
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                current = await GetRowAsync(before.Id, cancellationToken).ConfigureAwait(false);
            }
        }

        return new DirectWrite(DirectWriteOutcome.NotAFile);
    }

    private async Task<(string BlobName, long Size, string Hash)> WriteVersionBlobAsync(Guid iTwinId, string fileId, Stream content, CancellationToken cancellationToken)
    {
        string blobName = $"{iTwinId:D}/{fileId}/{Guid.NewGuid():N}";
        var blob = _container.GetBlobClient(blobName);
        await using var counted = new HashingLimitedStream(content, options.MaxFileBytes);
        try
        {
            var upload = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string> { [VersionMark] = fileId },
            };
            await blob.UploadAsync(counted, upload, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return (blobName, counted.BytesRead, counted.HashHex());
    }

    private async Task<TableEntity?> GetRowAsync(string fileId, CancellationToken cancellationToken)
    {
        if (!ScopedId.TryGetScope(fileId, out Guid iTwinId))
        {
            return null;
        }

        var row = await _rows.GetEntityIfExistsAsync<TableEntity>(iTwinId.ToString("D"), fileId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    private static TableEntity ToRow(StorageFile file) => new(file.ITwinId.ToString("D"), file.Id)
    {
        ["Name"] = file.Name,
        ["Size"] = file.Size,
        ["ContentHash"] = file.ContentHash,
        ["Version"] = file.Version,
        ["LastModified"] = file.LastModified,
        ["BlobName"] = file.BlobName,
        ["ParentFolderId"] = file.ParentFolderId,
        ["Description"] = file.Description,
        ["Pending"] = file.Pending,
        ["CreatedDateTime"] = file.CreatedDateTime,
        ["LastModifiedBy"] = file.LastModifiedBy,
        ["DeletedWith"] = file.DeletedWith,
    };

    private static StorageFile ToFile(TableEntity row) => new(
        row.RowKey,
        Guid.Parse(row.PartitionKey),
        row.GetString("Name"),
        row.GetInt64("Size") ?? 0,
        row.GetString("ContentHash"),
        row.GetInt32("Version") ?? 1,
        row.GetDateTimeOffset("LastModified") ?? DateTimeOffset.MinValue,
        row.GetString("BlobName"))
    {
        ParentFolderId = row.GetString("ParentFolderId"),
        Description = row.GetString("Description"),
        Pending = row.GetBoolean("Pending") ?? false,
        CreatedDateTime = row.GetDateTimeOffset("CreatedDateTime"),
        LastModifiedBy = row.GetString("LastModifiedBy"),
        DeletedWith = row.GetString("DeletedWith"),
    };
}
