using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// Removes what a deleted iModel leaves in storage: every record of its history but the close, then its changesets,
/// snapshots, states and index checkpoint (<see cref="BlobNames.OfIModel"/>). Only a closed history is purged (the log
/// refuses another), and each step may be repeated, so an interrupted delete is finished by repeating it.
/// </summary>
/// <remarks>
/// A run still working when its iModel was deleted may stage blobs after the purge has listed them; its push then
/// meets the closed history and its cleanup (<see cref="StagedRunCleanup"/>), finding no commit, deletes them and the
/// state document its push wrote.
/// </remarks>
public sealed class DeletedIModelPurge(IBlobStore blobs, IChangesetLog log)
{
    public async Task<PurgedIModel> PurgeAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        int records = await log.PurgeAsync(iModelId, cancellationToken).ConfigureAwait(false);
        int deleted = 0;
        foreach (string prefix in BlobNames.OfIModel(iModelId))
        {
            deleted += await blobs.DeleteByPrefixAsync(prefix, cancellationToken).ConfigureAwait(false);
        }

        return new PurgedIModel(records, deleted);
    }
}

/// <summary>How many history records and blobs a purge deleted.</summary>
public sealed record PurgedIModel(int Records, int Blobs);
