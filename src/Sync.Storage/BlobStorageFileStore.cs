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
/// </summary>
public sealed class BlobStorageFileStore(StorageAccount account, StorageOptions options) : IStorageFileStore
{
    private readonly TableClient _rows = account.Table(account.Names.StorageFilesTable);
    private readonly BlobContainerClient _container = account.Container(account.Names.StorageContainer);

    public async Task<StorageFile> UploadAsync(Guid iTwinId, string name, Stream content, CancellationToken cancellationToken)
    {
        string id = ScopedId.New(iTwinId);
        var (blobName, size, hash) = await WriteVersionBlobAsync(iTwinId, id, content, cancellationToken).ConfigureAwait(false);
        var file = new StorageFile(id, iTwinId, name, size, hash, 1, DateTimeOffset.UtcNow, blobName);
        await _rows.AddEntityAsync(ToRow(file), cancellationToken).ConfigureAwait(false);
        return file;
    }

    public async Task<StorageFile?> ReplaceContentAsync(string fileId, Stream content, CancellationToken cancellationToken)
    {
        var current = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        var iTwinId = Guid.Parse(current.PartitionKey);
        var (blobName, size, hash) = await WriteVersionBlobAsync(iTwinId, fileId, content, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var before = ToFile(current);
            var after = before with { Size = size, ContentHash = hash, Version = before.Version + 1, LastModified = DateTimeOffset.UtcNow, BlobName = blobName };
            try
            {
                await _rows.UpdateEntityAsync(ToRow(after), current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                await _container.DeleteBlobIfExistsAsync(before.BlobName, cancellationToken: cancellationToken).ConfigureAwait(false);
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

    public async Task<StorageFile?> GetAsync(string fileId, CancellationToken cancellationToken)
    {
        var row = await GetRowAsync(fileId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToFile(row);
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

        await _container.DeleteBlobIfExistsAsync(row.GetString("BlobName"), cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<(string BlobName, long Size, string Hash)> WriteVersionBlobAsync(Guid iTwinId, string fileId, Stream content, CancellationToken cancellationToken)
    {
        string blobName = $"{iTwinId:D}/{fileId}/{Guid.NewGuid():N}";
        var blob = _container.GetBlobClient(blobName);
        await using var counted = new HashingLimitedStream(content, options.MaxFileBytes);
        try
        {
            await blob.UploadAsync(counted, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
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
    };

    private static StorageFile ToFile(TableEntity row) => new(
        row.RowKey,
        Guid.Parse(row.PartitionKey),
        row.GetString("Name"),
        row.GetInt64("Size") ?? 0,
        row.GetString("ContentHash"),
        row.GetInt32("Version") ?? 1,
        row.GetDateTimeOffset("LastModified") ?? DateTimeOffset.MinValue,
        row.GetString("BlobName"));
}
