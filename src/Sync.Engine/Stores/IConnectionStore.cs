using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>
/// Connections, their source files and the per-iModel uniqueness of mapped files. Every write that touches
/// several records is atomic; <see cref="StoreConflictException"/> reports a file already mapped to the iModel.
/// </summary>
public interface IConnectionStore
{
    /// <summary>Largest number of source files accepted in one create request (one atomic write).</summary>
    int MaxSourceFilesPerCreate { get; }

    Task CreateAsync(Connection connection, IReadOnlyList<SourceFile> sourceFiles, CancellationToken cancellationToken);

    Task<Connection?> GetAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>
    /// The kind of a connection this store has found (kinds never change, so remembered after any read), else read
    /// now; null when there is no such connection. Says nothing about whether a connection found before still exists.
    /// </summary>
    Task<ConnectionKind?> GetKindAsync(string connectionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Connection>> ListByIModelAsync(Guid iModelId, ConnectionKind? kind, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency (retried on a lost race).</summary>
    Task<Connection?> UpdateAsync(string connectionId, Func<Connection, Connection> change, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>The connection of the iModel that maps the file <paramref name="externalId"/> (a storage file id, or a manifest document id); null when none does.</summary>
    Task<string?> FindMappingAsync(Guid iModelId, ConnectionKind kind, string externalId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="runId"/> the connection's active and last run, unless a run is active already:
    /// one conditional write, so simultaneous requests never start two runs. Returns the active run's id
    /// (<paramref name="runId"/> when this call started it), or null when the connection does not exist.
    /// </summary>
    Task<string?> TryBeginRunAsync(string connectionId, string runId, CancellationToken cancellationToken);

    /// <summary>Clears the active run when it is still <paramref name="runId"/>.</summary>
    Task EndRunAsync(string connectionId, string runId, CancellationToken cancellationToken);

    Task AddSourceFileAsync(SourceFile sourceFile, CancellationToken cancellationToken);

    Task<SourceFile?> GetSourceFileAsync(string connectionId, Guid sourceFileId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SourceFile>> ListSourceFilesAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Replaces a source file; null when it does not exist.</summary>
    Task<SourceFile?> UpdateSourceFileAsync(SourceFile sourceFile, CancellationToken cancellationToken);

    Task<bool> RemoveSourceFileAsync(string connectionId, Guid sourceFileId, CancellationToken cancellationToken);
}
