namespace Sync.Engine.Changes;

/// <summary>
/// One source file to synchronize in one run. <see cref="Marker"/> identifies the file's version cheaply (blob
/// ETag, content hash); <see cref="OpenContentAsync"/> is called only when the marker says the file changed.
/// </summary>
public sealed record FileSyncRequest(
    Guid IModelId,
    string RunId,
    string SourceFileId,
    string FileName,
    string ConnectorType,
    string Marker,
    Func<CancellationToken, Task<Stream>> OpenContentAsync,
    IReadOnlyDictionary<string, string>? Settings = null)
{
    /// <summary>The document's metadata (manifest runs): one more element of the file.</summary>
    public DocumentMetadata? Document { get; init; }

    /// <summary>For a reference file (a manifest file's child): the source file id of its master.</summary>
    public string? ParentSourceFileId { get; init; }

    /// <summary>
    /// Files that belong to this one and arrive beside it (a shapefile's .dbf, .shx and .prj sent as manifest
    /// children), by name; their versions are part of <see cref="Marker"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Func<CancellationToken, Task<Stream>>>? Companions { get; init; }

    /// <summary>The file is its iModel's spatial root: its coordinate system becomes the iModel's (part of the marker).</summary>
    public bool IsSpatialRoot { get; init; }

    /// <summary>How the source names this version (a downloaded file's ETag), committed so the next run can ask "changed since?".</summary>
    public SourceValidator? Validator { get; init; }
}

/// <summary>
/// A source's own name for a file version (an HTTP <c>ETag</c>), where it said it (<paramref name="Location"/>: the
/// URL without its query, since an ETag means something only for the resource that gave it) and the marker
/// (<see cref="FileSyncRequest.Marker"/>) of the bytes it named: when that source says the version is unchanged, the
/// marker stands for its bytes unread.
/// </summary>
public sealed record SourceValidator(string ETag, string ContentMarker, string Location);
