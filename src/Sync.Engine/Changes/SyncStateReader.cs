using Sync.Engine.Caching;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// The state document an iModel's tip points to. State documents are immutable once a tip points to them, so the
/// recent ones are kept instead of read again: a lookup costs one tip read.
/// </summary>
public sealed class SyncStateReader(IBlobStore blobs, IChangesetLog log)
{
    private readonly KeptValues<string, SyncState> _states = new(64, StringComparer.Ordinal);

    public async Task<SyncState> CurrentAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        var tip = await log.GetTipAsync(iModelId, cancellationToken).ConfigureAwait(false);
        if (tip.StateBlob is null)
        {
            return SyncState.Empty;
        }

        if (_states.TryGet(tip.StateBlob, out var cached))
        {
            return cached;
        }

        return _states.Keep(tip.StateBlob, await SyncState.LoadAsync(blobs, tip, cancellationToken).ConfigureAwait(false));
    }
}
