using System.Collections.Concurrent;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// The state document an iModel's tip points to. State documents are immutable once a tip points to them, so the
/// recent ones are kept instead of read again: a lookup costs one tip read.
/// </summary>
public sealed class SyncStateReader(IBlobStore blobs, IChangesetLog log)
{
    private const int CacheSize = 64;
    private readonly ConcurrentDictionary<string, SyncState> _states = new(StringComparer.Ordinal);

    public async Task<SyncState> CurrentAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        var tip = await log.GetTipAsync(iModelId, cancellationToken).ConfigureAwait(false);
        if (tip.StateBlob is null)
        {
            return SyncState.Empty;
        }

        if (_states.TryGetValue(tip.StateBlob, out var cached))
        {
            return cached;
        }

        var state = await SyncState.LoadAsync(blobs, tip, cancellationToken).ConfigureAwait(false);
        if (_states.Count >= CacheSize)
        {
            _states.Clear();
        }

        _states[tip.StateBlob] = state;
        return state;
    }
}
