using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>The engine's blobs (snapshots, staged operations, changesets, state documents) in one container.</summary>
public sealed class AzureBlobStore(StorageAccount account) : IBlobStore
{
    private readonly BlobContainerClient _container = account.Container(account.Names.SyncContainer);

    /// <summary>Blocks of 4 MiB, as the SDK's own write stream uses.</summary>
    private const int UploadBlockSize = 4 * 1024 * 1024;

    public Task<Stream> OpenWriteAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new BlockUploadStream(_container.GetBlockBlobClient(name), UploadBlockSize));

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<long?> GetSizeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public Task DeleteIfExistsAsync(string name, CancellationToken cancellationToken) =>
        _container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);

    /// <summary>Lists the prefix page by page and deletes each page's blobs several at a time.</summary>
    public async Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        int deleted = 0;
        await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages().ConfigureAwait(false))
        {
            await Parallel.ForEachAsync(page.Values, new ParallelOptions { MaxDegreeOfParallelism = ParallelDeletes, CancellationToken = cancellationToken }, async (blob, token) =>
            {
                if ((await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: token).ConfigureAwait(false)).Value)
                {
                    Interlocked.Increment(ref deleted);
                }
            }).ConfigureAwait(false);
        }

        return deleted;
    }

    private const int ParallelDeletes = 8;
}
