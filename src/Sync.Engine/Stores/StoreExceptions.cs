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
