using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sync.Storage;

/// <summary>Creates the service's tables and containers when a host starts (idempotent).</summary>
public sealed class StorageInitializer(StorageAccount account, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await account.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Storage ready: {Tables} tables, {Containers} containers", account.Names.Tables.Count(), account.Names.Containers.Count());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
