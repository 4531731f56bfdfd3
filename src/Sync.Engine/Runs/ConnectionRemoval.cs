using Sync.Engine.Stores;

namespace Sync.Engine.Runs;

/// <summary>
/// Deletes a connection. Its run history is closed first (<see cref="IRunStore.CloseAsync"/>), so clients that read
/// its runs without reading the connection see it gone; an interrupted delete is finished by repeating it.
/// </summary>
public sealed class ConnectionRemoval(IConnectionStore connections, IRunStore runs)
{
    /// <summary>False when the connection did not exist.</summary>
    public async Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        await runs.CloseAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return await connections.DeleteAsync(connectionId, cancellationToken).ConfigureAwait(false);
    }
}
