namespace Sync.Engine.Stores;

/// <summary>A write lost a race or broke a uniqueness rule (already exists, already mapped).</summary>
public sealed class StoreConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An upload exceeded the configured size limit.</summary>
public sealed class ContentTooLargeException(long limitBytes)
    : Exception($"The content exceeds the limit of {limitBytes} bytes.")
{
    public long LimitBytes { get; } = limitBytes;
}
