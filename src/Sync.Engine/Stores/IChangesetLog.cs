namespace Sync.Engine.Stores;

/// <summary>
/// The head of an iModel's history: the last changeset (index 0 = none yet) and the state document that says,
/// per source file, which snapshot and version marker are current. Moving it is the single commit point of a sync.
/// </summary>
public sealed record ChainTip(int Index, string? ChangesetId, string? StateBlob, string? ETag)
{
    public static readonly ChainTip Empty = new(0, null, null, null);
}

public sealed record SynchronizationInfo(string RunId, string? ConnectionId, IReadOnlyList<string> ChangedFiles);

/// <summary>
/// One changeset: index 1..n without gaps, a 40-hex id chained to its parent, and its content: gzip NDJSON
/// parts (the schema growth, then each changed file's staged operations) that read as one stream in order.
/// </summary>
public sealed record ChangesetRecord(
    int Index,
    string Id,
    string? ParentId,
    string Description,
    DateTimeOffset PushDateTime,
    int ContainingChanges,
    long FileSize,
    int Inserted,
    int Updated,
    int Deleted,
    IReadOnlyList<string> Parts,
    SynchronizationInfo SynchronizationInfo);

/// <summary>What one run committed: its changeset, or none when nothing changed.</summary>
public sealed record RunCommit(ChangesetRecord? Changeset);

public interface IChangesetLog
{
    /// <summary>The tip as it is now; throws <see cref="IModelDeletedException"/> once <see cref="CloseAsync"/> has closed the history.</summary>
    Task<ChainTip> GetTipAsync(Guid iModelId, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the iModel's history for good, before its record is deleted: every later tip read throws
    /// <see cref="IModelDeletedException"/>, and a push under way can no longer advance the tip. So a reader that
    /// reads the tip needs no read of the iModel's record to know the iModel still exists.
    /// </summary>
    Task CloseAsync(Guid iModelId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes every record of a closed history but the close itself, which stays so that readers keep seeing the
    /// iModel as deleted; returns how many records went. Throws <see cref="InvalidOperationException"/> when the
    /// history is not closed, so nothing of a live iModel can be purged.
    /// </summary>
    Task<int> PurgeAsync(Guid iModelId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically moves the tip from <paramref name="expected"/> to <paramref name="stateBlob"/> (and to
    /// <paramref name="changeset"/> when there is one, which must be index expected+1), recording that
    /// <paramref name="runKey"/> committed. False, with nothing written, when the tip is no longer <paramref name="expected"/>.
    /// </summary>
    Task<bool> TryAdvanceAsync(Guid iModelId, ChainTip expected, string stateBlob, ChangesetRecord? changeset, string runKey, CancellationToken cancellationToken);

    /// <summary>What <paramref name="runKey"/> committed, or null when it has not committed.</summary>
    Task<RunCommit?> GetRunCommitAsync(Guid iModelId, string runKey, CancellationToken cancellationToken);

    Task<ChangesetRecord?> GetAsync(Guid iModelId, int index, CancellationToken cancellationToken);

    Task<ChangesetRecord?> GetByIdAsync(Guid iModelId, string changesetId, CancellationToken cancellationToken);

    /// <summary>Changesets with index greater than <paramref name="afterIndex"/>, ascending, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ChangesetRecord>> ListAsync(Guid iModelId, int afterIndex, int max, CancellationToken cancellationToken);
}
