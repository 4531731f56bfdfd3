using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// Deletes what a run staged that nothing will read: all of it when the run committed nothing (it failed, was
/// cancelled, was superseded or its iModel was deleted), with what its push may have written before it failed (the
/// state document and the schema part, which no tip points to then); after a commit, the operations of files without changes (not parts of the
/// changeset) and the snapshots the commit superseded (<see cref="StagedFile.Superseded"/>). Whether the run
/// committed is asked of the changeset log, so a push whose answer was lost is never taken for no push.
/// </summary>
public sealed class StagedRunCleanup(IBlobStore blobs, IChangesetLog log)
{
    /// <returns>How many staged blobs were no longer needed.</returns>
    public async Task<int> CleanAsync(Guid iModelId, string runId, IReadOnlyList<StagedFile> staged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        if (staged.Count == 0)
        {
            return 0;
        }

        bool committed = await log.GetRunCommitAsync(iModelId, runId, cancellationToken).ConfigureAwait(false) is not null;
        var garbage = new List<string>();
        foreach (var file in staged)
        {
            if (committed)
            {
                if (!file.HasChanges)
                {
                    garbage.Add(file.OperationsBlob);
                }

                if (file.Superseded is { } superseded)
                {
                    garbage.AddRange(superseded);
                }
                else if (file.BaseSnapshot is { } previous)
                {
                    garbage.Add(previous);
                }
            }
            else
            {
                garbage.Add(file.OperationsBlob);
                if (file.NewSnapshot is { } unused)
                {
                    garbage.Add(unused);
                }
            }
        }

        int count = garbage.Count;
        if (!committed)
        {
            garbage.Add(BlobNames.State(iModelId, runId));
            garbage.Add(BlobNames.SchemaPart(iModelId, runId));
        }

        foreach (string name in garbage)
        {
            await blobs.DeleteIfExistsAsync(name, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }
}
