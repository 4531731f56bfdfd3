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
    IReadOnlyDictionary<string, string>? Settings = null);
