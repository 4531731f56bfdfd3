using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.Durable.Resync;
using Sync.Engine.Stores;

namespace SyncFunctions;

/// <summary>
/// Automatic resync on Azure: a blob written into the files container by any tool (Storage Explorer, AzCopy,
/// another service) becomes its file's new version and starts the resync of the connections that map it. Uploads
/// through our API carry the store's version mark and are reported by the API itself, so they are not counted twice.
/// The Event Grid source (a system topic subscription set up by <c>infra/</c>) is what Flex Consumption supports.
/// </summary>
public sealed partial class ResyncFunctions(IStorageFileStore files, ILogger<ResyncFunctions> logger)
{
    public const string FilesContainerSetting = "FilesContainerName";

    /// <summary>The connection (app settings prefix) the trigger reads the files container with.</summary>
    public const string FilesConnection = "FilesStorage";

    [Function("FilesContainerChanged")]
    public async Task FilesContainerChanged(
        [BlobTrigger("%" + FilesContainerSetting + "%/{name}", Source = BlobTriggerSource.EventGrid, Connection = FilesConnection)] BlobClient blob,
        string name,
        [DurableClient] DurableTaskClient durableClient,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var write = await files.AdoptDirectWriteAsync(name, context.CancellationToken);
        if (write is { Outcome: DirectWriteOutcome.NewVersion, File: { } file })
        {
            context.InstanceServices.GetRequiredService<DurableClientHolder>().Client = durableClient;
            var told = await context.InstanceServices.GetRequiredService<StorageFileChanges>().FileChangedAsync(file, context.CancellationToken);
            LogNewVersion(logger, name, file.Id, file.Version, told.Count);
        }
        else
        {
            LogNotANewVersion(logger, name, write.Outcome);
        }
    }

    [LoggerMessage(LogLevel.Information, "Blob {BlobName} is version {Version} of storage file {FileId}; {Connections} connection(s) told")]
    private static partial void LogNewVersion(ILogger logger, string blobName, string fileId, int version, int connections);

    [LoggerMessage(LogLevel.Debug, "Blob {BlobName} starts no resync: {Outcome}")]
    private static partial void LogNotANewVersion(ILogger logger, string blobName, DirectWriteOutcome outcome);
}
