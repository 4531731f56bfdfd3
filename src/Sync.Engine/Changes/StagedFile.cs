using System.Text.Json.Serialization;

namespace Sync.Engine.Changes;

public enum FileOutcome
{
    /// <summary>The version marker and connector are unchanged: nothing was read.</summary>
    Skipped,

    /// <summary>The file was read; <see cref="StagedFile"/> holds its differences (possibly none).</summary>
    Staged,

    /// <summary>The file could not be synchronized; nothing of it is deleted or changed.</summary>
    Failed,
}

/// <summary>A task error in the spec's shape (code, category, description, canUserFix).</summary>
public sealed record SyncError(string Code, string Category, string Description, bool CanUserFix, bool Transient = false);

/// <summary>
/// What synchronizing one source file produced, by reference: the staged operations blob and the new snapshot.
/// Small enough to pass between durable activities.
/// </summary>
/// <param name="OperationsHash">
/// The content hash of the operations' NDJSON (<see cref="ChangeLineWriter.ContentHash"/>), which the changeset id
/// covers. It keeps its earlier wire name, from when it was a SHA-1, so a run staged before an upgrade still pushes.
/// </param>
public sealed record StagedFile(
    string SourceFileId,
    string Marker,
    string ConnectorType,
    string ConnectorVersion,
    string? BaseSnapshot,
    string? NewSnapshot,
    long ElementCount,
    string OperationsBlob,
    [property: JsonPropertyName("OperationsSha1")] string OperationsHash,
    long OperationsBytes,
    int Inserted,
    int Updated,
    int Deleted,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Schema)
{
    public bool Removed => NewSnapshot is null;

    /// <summary>For a reference file: the source file id of its master.</summary>
    public string? ParentSourceFileId { get; init; }

    public bool HasChanges => Inserted + Updated + Deleted > 0;

    /// <summary>The file's coordinate system, extents and spatial-root flag, committed with it.</summary>
    public FileSpatial? Spatial { get; init; }

    /// <summary>The source's name for the version read (see <see cref="FileSyncRequest.Validator"/>), committed with it.</summary>
    public SourceValidator? Validator { get; init; }

    /// <summary>
    /// The snapshot blobs nothing reads once this is committed (the previous snapshot, and a patch's base unless the
    /// new snapshot patches it too). Null when staged by a version before patches: <see cref="BaseSnapshot"/> alone.
    /// </summary>
    public IReadOnlyList<string>? Superseded { get; init; }
}

/// <param name="Unreadable">Set when the connector could not read this version of the file: the commit remembers it.</param>
public sealed record FileSyncResult(FileOutcome Outcome, StagedFile? Staged, SyncError? Error, IReadOnlyList<string> Warnings, long ElementsRead, UnreadableFile? Unreadable = null)
{
    public static FileSyncResult Skip(IReadOnlyList<string>? warnings = null) => new(FileOutcome.Skipped, null, null, warnings ?? [], 0);

    public static FileSyncResult Fail(SyncError error, IReadOnlyList<string>? warnings = null) => new(FileOutcome.Failed, null, error, warnings ?? [], 0);
}
