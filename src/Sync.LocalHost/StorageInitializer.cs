using Sync.Storage;

namespace Sync.LocalHost;

/// <summary>Creates the service's tables and containers at start-up (idempotent).</summary>
internal sealed class StorageInitializer(StorageAccount account, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await account.EnsureCreatedAsync(cancellationToken);
        logger.LogInformation("Storage ready: tables and containers with prefix '{Prefix}'", account.Names.IModelsTable[..^"imodels".Length]);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
