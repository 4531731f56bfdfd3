using Sync.Engine.Stores;

namespace Sync.Engine.Tests.Support;

/// <summary>
/// The real changeset log, except that the next tip read can be made to answer a tip read earlier (a request whose
/// read went out before a push but comes back after it), and replays from the start are counted.
/// </summary>
internal sealed class LateTipLog(IChangesetLog log) : IChangesetLog
{
    private ChainTip? _late;
    private int _replaysFromStart;

    public int ReplaysFromStart => Volatile.Read(ref _replaysFromStart);

    public void AnswerNextTipWith(ChainTip tip) => _late = tip;

    public Task<ChainTip> GetTipAsync(Guid iModelId, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _late, null) is { } late ? Task.FromResult(late) : log.GetTipAsync(iModelId, cancellationToken);

    public Task CloseAsync(Guid iModelId, CancellationToken cancellationToken) => log.CloseAsync(iModelId, cancellationToken);

    public Task<int> PurgeAsync(Guid iModelId, CancellationToken cancellationToken) => log.PurgeAsync(iModelId, cancellationToken);

    public Task<IReadOnlyList<ChangesetRecord>> ListAsync(Guid iModelId, int afterIndex, int max, CancellationToken cancellationToken)
    {
        if (afterIndex == 0)
        {
            Interlocked.Increment(ref _replaysFromStart);
        }

        return log.ListAsync(iModelId, afterIndex, max, cancellationToken);
    }

    public Task<bool> TryAdvanceAsync(Guid iModelId, ChainTip expected, string stateBlob, ChangesetRecord? changeset, string runKey, CancellationToken cancellationToken) =>
        log.TryAdvanceAsync(iModelId, expected, stateBlob, changeset, runKey, cancellationToken);

    public Task<RunCommit?> GetRunCommitAsync(Guid iModelId, string runKey, CancellationToken cancellationToken) => log.GetRunCommitAsync(iModelId, runKey, cancellationToken);

    public Task<ChangesetRecord?> GetAsync(Guid iModelId, int index, CancellationToken cancellationToken) => log.GetAsync(iModelId, index, cancellationToken);

    public Task<ChangesetRecord?> GetByIdAsync(Guid iModelId, string changesetId, CancellationToken cancellationToken) => log.GetByIdAsync(iModelId, changesetId, cancellationToken);
}
