using Sync.Engine.Stores;

namespace Sync.Engine.Runs;

/// <summary>
/// Deletes a connection. Its run history is closed first (<see cref="IRunStore.CloseAsync"/>), so clients that read
/// its runs without reading the connection see it gone; then its finished runs are purged; the connection goes
/// next, so an interrupted delete is finished by repeating it. Runs still working purge themselves when they
/// finish and find the connection gone; one that finished while the connection still stood is caught by a last purge.
/// </summary>
public sealed class ConnectionRemoval(IConnectionStore connections, IRunStore runs)
{
    /// <summary>False when the connection did not exist.</summary>
    public async Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        await runs.CloseAsync(connectionId, cancellationToken).ConfigureAwait(false);
        await runs.PurgeAsync(connectionId, cancellationToken).ConfigureAwait(false);
        bool deleted = await connections.DeleteAsync(connectionId, cancellationToken).ConfigureAwait(false);
        await runs.PurgeAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return deleted;
    }
}
