namespace Sync.Engine.Model;

/// <summary>
/// Metadata of a user file held by our iTwin storage; the bytes live in <see cref="BlobName"/>. A file created
/// through the Storage API is <see cref="Pending"/> (no version, invisible to readers) until its first upload
/// completes. <see cref="ParentFolderId"/> null means the iTwin's root folder.
/// </summary>
public sealed record StorageFile(
    string Id,
    Guid ITwinId,
    string Name,
    long Size,
    string ContentHash,
    int Version,
    DateTimeOffset LastModified,
    string BlobName)
{
    public string? ParentFolderId { get; init; }

    public string? Description { get; init; }

    public bool Pending { get; init; }

    public DateTimeOffset? CreatedDateTime { get; init; }

    /// <summary>Display name of whoever last changed the file (the token's <c>name</c>, else its subject).</summary>
    public string? LastModifiedBy { get; init; }

    /// <summary>In the recycle bin: the id of the file or folder whose deletion put it there; null when not deleted.</summary>
    public string? DeletedWith { get; init; }
}

/// <summary>A folder of an iTwin's storage. The root folder of every iTwin exists without a record (<see cref="Root"/>).</summary>
public sealed record StorageFolder(
    string Id,
    Guid ITwinId,
    string DisplayName,
    string? Description,
    string? ParentFolderId,
    DateTimeOffset CreatedDateTime,
    DateTimeOffset LastModifiedDateTime,
    string? LastModifiedBy)
{
    /// <summary>In the recycle bin: the id of the folder whose deletion put it there; null when not deleted.</summary>
    public string? DeletedWith { get; init; }

    /// <summary>The iTwin's root folder: its id is derived from the iTwin id, so it needs no record.</summary>
    public static StorageFolder Root(Guid iTwinId) =>
        new(ScopedId.Fixed(iTwinId), iTwinId, "Root", null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);

    public bool IsRoot => ParentFolderId is null;
}
