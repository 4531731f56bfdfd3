namespace Sync.Durable.Downloads;

/// <summary>A URL or an address a download refuses: the reason is its message, for the file's task error.</summary>
public sealed class UnsafeUrlException(string message) : Exception(message);
