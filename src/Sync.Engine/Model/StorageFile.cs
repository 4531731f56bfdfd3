namespace Sync.Engine.Model;

/// <summary>Metadata of a user file held by our iTwin storage; the bytes live in <see cref="BlobName"/>.</summary>
public sealed record StorageFile(
    string Id,
    Guid ITwinId,
    string Name,
    long Size,
    string ContentHash,
    int Version,
    DateTimeOffset LastModified,
    string BlobName);
