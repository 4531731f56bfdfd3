using Microsoft.Extensions.Logging;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Durable.Resync;

/// <summary>
/// Where every new version of a storage file is reported — an upload through the API, or a version written straight
/// into the files container (blob trigger on Azure, container scan on the local host): each storage connection
/// that maps the file gets a change on its <see cref="ResyncScheduler"/>.
/// </summary>
public sealed class StorageFileChanges(IIModelStore iModels, IConnectionStore connections, IDurableGateway durable, ResyncOptions options, TimeProvider clock)
{
    /// <summary>
    /// Reports a version the API has just stored (our own uploads are reported at once; a scan or blob trigger would
    /// see them only later). A failure is logged, never the request's: the version is stored, and the next run reads it.
    /// </summary>
    public async Task ReportAsync(StorageFile file, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            await FileChangedAsync(file, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Automatic resync was not started for storage file {FileId} version {Version}", file.Id, file.Version);
        }
    }

    /// <summary>Reports a new version of <paramref name="file"/>; returns the connections told (none when no connection maps it).</summary>
    public async Task<IReadOnlyList<string>> FileChangedAsync(StorageFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var told = new List<string>();
        var changedAt = clock.GetUtcNow();

        // A file belongs to one iTwin, and each of its iModels maps it at most once: one point read per iModel.
        foreach (var iModel in await iModels.ListByITwinAsync(file.ITwinId, cancellationToken).ConfigureAwait(false))
        {
            if (await connections.FindMappingAsync(iModel.Id, ConnectionKind.Storage, file.Id, cancellationToken).ConfigureAwait(false) is not { } connectionId)
            {
                continue;
            }

            var change = new ResyncChange(file.ITwinId, iModel.Id, file.Id, changedAt, options.QuietPeriod);
            await durable.SignalEntityAsync(nameof(ResyncScheduler), connectionId, nameof(ResyncScheduler.Changed), change, cancellationToken).ConfigureAwait(false);
            told.Add(connectionId);
        }

        return told;
    }
}
