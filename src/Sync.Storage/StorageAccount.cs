using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>The table and blob service clients of one storage account, plus the names the service uses in it.</summary>
public sealed class StorageAccount : IStoreHealth
{
    // Health checks from several load balancers at once share one probe (never one already under way).
    private readonly SharedReads<bool, bool> _probes;

    public StorageAccount(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _probes = new((_, cancellationToken) => ProbeOnceAsync(cancellationToken));
        Names = new StorageNames(options.Prefix);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            Tables = new TableServiceClient(options.ConnectionString);
            Blobs = new BlobServiceClient(options.ConnectionString, BlobOptions());
        }
        else if (options.TableServiceUri is not null && options.BlobServiceUri is not null)
        {
            var credential = new DefaultAzureCredential();
            Tables = new TableServiceClient(options.TableServiceUri, credential);
            Blobs = new BlobServiceClient(options.BlobServiceUri, credential, BlobOptions());
        }
        else
        {
            throw new InvalidOperationException(
                "Storage is not configured: set Storage:ConnectionString, or both Storage:TableServiceUri and Storage:BlobServiceUri.");
        }
    }

    public StorageNames Names { get; }

    /// <summary>
    /// Every upload carries its MD5 (Content-MD5 of each block and single-shot upload), so the service rejects bytes
    /// damaged in transit. Without it, Azurite computes a CRC64 of each block in JavaScript instead: a quarter of a
    /// first sync's CPU on one machine (docs/benchmarks.md, stop 26).
    /// </summary>
    private static BlobClientOptions BlobOptions() =>
        new() { TransferValidation = { Upload = { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 } } };

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);

    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);

    /// <summary>
    /// A URL that grants <paramref name="permissions"/> on one blob until <paramref name="lifetime"/> from now: an
    /// account-key SAS when the client holds the key (Azurite), else a user-delegation SAS signed with a key the
    /// service's identity obtains (Azure; needs Storage Blob Delegator).
    /// </summary>
    public async Task<Uri> SasUriAsync(BlobClient blob, Azure.Storage.Sas.BlobSasPermissions permissions, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var expires = DateTimeOffset.UtcNow.Add(lifetime);
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(permissions, expires);
        }

        var sas = new Azure.Storage.Sas.BlobSasBuilder(permissions, expires) { BlobContainerName = blob.BlobContainerName, BlobName = blob.Name, Resource = "b" };
        var key = await Blobs.GetUserDelegationKeyAsync(DateTimeOffset.UtcNow.AddMinutes(-5), expires, cancellationToken).ConfigureAwait(false);
        return new Azure.Storage.Blobs.BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, Blobs.AccountName) }.ToUri();
    }

    /// <summary>Creates every table and container the service uses; idempotent.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (string table in Names.Tables)
        {
            await Tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
        }

        foreach (string container in Names.Containers)
        {
            await Container(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One cheap round trip to each service; throws when either is unreachable.</summary>
    public Task ProbeAsync(CancellationToken cancellationToken) => _probes.ReadAsync(true, cancellationToken);

    private async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in Table(Names.IModelsTable).QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages(pageSizeHint: 1).ConfigureAwait(false))
        {
            break;
        }

        await Container(Names.StorageContainer).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }
}
