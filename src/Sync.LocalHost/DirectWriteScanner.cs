using Sync.Durable;
using Sync.Durable.Resync;
using Sync.Engine.Stores;

namespace Sync.LocalHost;

/// <summary>
/// The local host's stand-in for the blob trigger (Azurite has no change feed or Event Grid): scans the files
/// container every <see cref="ResyncOptions.ScanInterval"/> for blobs another tool wrote straight into it, takes each
/// in as its file's new version and reports the change, as the Functions app's blob trigger does on Azure.
/// </summary>
internal sealed partial class DirectWriteScanner(IServiceScopeFactory scopes, IStorageFileStore files, IDurableGateway durable, ResyncOptions options, ILogger<DirectWriteScanner> logger) : BackgroundService
{
    // Blobs that are no file's version (or too large), as last seen: not looked at again until written again.
    private readonly HashSet<BlobVersion> _ignored = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ScanInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Changes are reported to the durable runtime: scan only once it runs, so none is taken in and lost.
                if ((await durable.GetHealthAsync(probeNow: false, stoppingToken)).WorkerState == "Running")
                {
                    await ScanAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(logger, e);
            }
        }
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        await foreach (var blob in files.ListDirectWritesAsync(cancellationToken))
        {
            if (_ignored.Contains(blob))
            {
                continue;
            }

            string blobName = blob.Name;
            var write = await files.AdoptDirectWriteAsync(blobName, cancellationToken);
            if (write is { Outcome: DirectWriteOutcome.NewVersion, File: { } file })
            {
                await using var scope = scopes.CreateAsyncScope();
                var told = await scope.ServiceProvider.GetRequiredService<StorageFileChanges>().FileChangedAsync(file, cancellationToken);
                LogNewVersion(logger, blobName, file.Id, file.Version, told.Count);
            }
            else if (write.Outcome is DirectWriteOutcome.TooLarge or DirectWriteOutcome.NotAFile)
            {
                if (write.Outcome == DirectWriteOutcome.TooLarge)
                {
                    LogTooLarge(logger, blobName);
                }

                _ignored.Add(blob);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Scanning the files container for direct writes failed; trying again at the next scan")]
    private static partial void LogScanFailed(ILogger logger, Exception error);

    [LoggerMessage(LogLevel.Information, "Blob {BlobName} written into the files container is version {Version} of storage file {FileId}; {Connections} connection(s) told")]
    private static partial void LogNewVersion(ILogger logger, string blobName, string fileId, int version, int connections);

    [LoggerMessage(LogLevel.Warning, "Blob {BlobName} written into the files container is larger than the storage file limit; it is not taken in")]
    private static partial void LogTooLarge(ILogger logger, string blobName);
}
