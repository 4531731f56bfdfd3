namespace Sync.Engine.Stores;

/// <summary>Large immutable-ish objects of the engine: snapshots, staged results, changesets, state documents.</summary>
public interface IBlobStore
{
    /// <summary>A stream that creates or replaces the blob as it is written; the blob is complete once the stream is disposed.</summary>
    Task<Stream> OpenWriteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Null when the blob does not exist.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken);

    Task<long?> GetSizeAsync(string name, CancellationToken cancellationToken);

    Task DeleteIfExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes every blob whose name starts with <paramref name="prefix"/>; returns how many there were.</summary>
    Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken);
}
