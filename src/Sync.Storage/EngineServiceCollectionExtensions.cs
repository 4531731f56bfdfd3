using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Index;
using Sync.Engine.Runs;
using Sync.Engine.Stores;

namespace Sync.Storage;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sync engine over the Azure stores: connectors, file synchronizer, changeset pusher, run
    /// supervision (<c>Runs:AbandonAfter</c>) and the element index, whose SQLite cache lives in
    /// <c>Engine:CacheDirectory</c> (default: the temp folder) and which publishes a checkpoint after
    /// <c>Engine:IndexCheckpointOperations</c> replayed operations (default 100,000).
    /// </summary>
    public static IServiceCollection AddSyncEngine(this IServiceCollection services, IConfiguration configuration)
    {
        string cache = configuration["Engine:CacheDirectory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "syncfunctions-index");
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ConnectorRegistry.Default);
        services.AddSingleton<FileSynchronizer>();
        services.AddSingleton<SyncStateReader>();
        services.AddSingleton<ChangesetPusher>();
        services.AddSingleton<StagedRunCleanup>();
        services.AddSingleton<DeletedIModelPurge>();
        services.AddSingleton(configuration.GetSection(RunOptions.Section).Get<RunOptions>() ?? new RunOptions());
        services.AddSingleton<AbandonedRuns>();
        services.AddSingleton<RunClaims>();
        services.AddSingleton<ConnectionRemoval>();
        long checkpointOperations = configuration.GetValue("Engine:IndexCheckpointOperations", 100_000L);
        services.AddSingleton(sp => new ElementIndex(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<IChangesetLog>(), Path.Combine(cache, sp.GetRequiredService<StorageOptions>().Prefix), checkpointOperations));
        return services;
    }
}
