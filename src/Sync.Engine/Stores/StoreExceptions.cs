namespace Sync.Engine.Stores;

public enum ConflictReason
{
    /// <summary>The record (or a file mapping to the iModel) already exists.</summary>
    AlreadyExists,

    /// <summary>Another writer changed the record between our read and our write.</summary>
    ConcurrentChange,
}

/// <summary>A write lost a race or broke a uniqueness rule.</summary>
public sealed class StoreConflictException(ConflictReason reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public ConflictReason Reason { get; } = reason;
}

/// <summary>An upload exceeded the configured size limit.</summary>
public sealed class ContentTooLargeException(long limitBytes)
    : Exception($"The content exceeds the limit of {limitBytes} bytes.")
{
    public long LimitBytes { get; } = limitBytes;
}

/// <summary>
/// The iModel's history was closed because the iModel is deleted (or being deleted): nothing more can be read from
/// it or pushed to it. Thrown by <see cref="IChangesetLog.GetTipAsync"/>, so every reader and pusher sees it.
/// </summary>
public sealed class IModelDeletedException(Guid iModelId)
    : Exception($"iModel '{iModelId}' has been deleted.")
{
    public Guid IModelId { get; } = iModelId;
}

/// <summary>
/// The connection's run history was closed because the connection is deleted (or being deleted). Thrown by the run
/// reads clients make (<see cref="IRunStore.GetUnlessDeletedAsync"/>, <see cref="IRunStore.ListAsync"/>).
/// </summary>
public sealed class ConnectionDeletedException(string connectionId)
    : Exception($"Connection '{connectionId}' has been deleted.")
{
    public string ConnectionId { get; } = connectionId;
}
