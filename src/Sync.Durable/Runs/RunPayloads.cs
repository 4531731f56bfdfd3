using Sync.Engine.Catalog;
using Sync.Engine.Changes;
using Sync.Engine.Model;

namespace Sync.Durable.Runs;

// Orchestration payloads: references and counts, never element lists.

/// <param name="Manifest">For manifest connections: the files this run was asked to synchronize or unmap.</param>
public sealed record RunInput(string RunId, string ConnectionId, Guid ITwinId, Guid IModelId, IReadOnlyList<ManifestFile>? Manifest = null)
{
    /// <summary>An automatic run claims its connection itself, once it knows <c>autoSync</c> is on.</summary>
    public string Trigger { get; init; } = RunTriggers.Manual;
}

/// <summary>A run of a connection, by id.</summary>
public sealed record RunReference(string ConnectionId, string RunId);

/// <param name="Settings">The configuration resolved for the connection when the run started (name → JSON literal).</param>
public sealed record BeginRunInput(RunInput Run, IReadOnlyDictionary<string, string> Settings);

/// <summary>
/// One file of a manifest run: the connection's source file (or a reference file of one), where to download
/// it, how to read it, and the document metadata that becomes one more element.
/// </summary>
public sealed record ManifestFile(string SourceFileId, string DocumentId, string Name, string? Url, string ConnectorType, bool Unmap)
{
    public DocumentMetadata? Document { get; init; }

    /// <summary>For a reference file (a master's <c>children</c> entry): the master's source file id.</summary>
    public string? ParentSourceFileId { get; init; }
}

/// <summary>The files a run will synchronize, resolved once at its start.</summary>
/// <param name="Files">The files to read (or remove), one activity each.</param>
/// <param name="CommittedSpatialRootCrs">The coordinate system the iModel's committed spatial root has (before this run).</param>
/// <param name="Skipped">Files found unchanged at the start (their version markers against the committed state): already results.</param>
public sealed record RunPlan(IReadOnlyList<FileWork> Files, string? CommittedSpatialRootCrs = null, IReadOnlyList<FileWorkResult>? Skipped = null);

/// <param name="Remove">The file left the connection: stage the deletion of its elements instead of reading it.</param>
/// <param name="StorageFileId">The storage file to read (storage connections).</param>
/// <param name="Url">The pre-authenticated URL to download (manifest connections).</param>
public sealed record FileWork(string RunId, Guid IModelId, string SourceFileId, string? StorageFileId, string FileName, string ConnectorType, bool Remove = false, string? Url = null)
{
    /// <summary>The connection whose run record the file reports its progress to.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>The run's settings that connectors read, as plain values.</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>1 for the first attempt; more when the orchestrator retries a transient fault.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Manifest runs: the document metadata that becomes one more element of the file.</summary>
    public DocumentMetadata? Document { get; init; }

    /// <summary>For a reference file: the source file id of its master.</summary>
    public string? ParentSourceFileId { get; init; }

    /// <summary>The file is its iModel's spatial root.</summary>
    public bool IsSpatialRoot { get; init; }

    /// <summary>The file's size when known before reading it (storage files): small ones are read several per activity.</summary>
    public long? Bytes { get; init; }

    /// <summary>Manifest runs: files read together with this one (a shapefile's .dbf, .shx, .prj children), downloaded beside it.</summary>
    public IReadOnlyList<CompanionFile>? Companions { get; init; }

    /// <summary>
    /// This file as read into the spatial root's coordinate system, when the iModel's is not configured: connectors
    /// that reproject receive it as the <c>geographicCoordinateSystem</c> setting (so a new root system reads them again).
    /// </summary>
    public FileWork ReadInto(string? spatialRootCrs) =>
        spatialRootCrs is null || Settings is not { } settings
            || settings.GetValueOrDefault(ConfigurationSettings.GeographicCoordinateSystem) is { Length: > 0 }
            || !settings.ContainsKey(ConfigurationSettings.GeographicCoordinateSystem)
        ? this
        : this with { Settings = new Dictionary<string, string>(settings) { [ConfigurationSettings.GeographicCoordinateSystem] = spatialRootCrs } };
}

/// <summary>A file that belongs to another and is read with it, not on its own.</summary>
public sealed record CompanionFile(string Name, string Url);

public sealed record FileWorkResult(
    string SourceFileId,
    FileOutcome Outcome,
    StagedFile? Staged,
    SyncError? Error,
    IReadOnlyList<string> Warnings,
    long ElementsRead,
    DateTimeOffset StartDateTime,
    DateTimeOffset EndDateTime)
{
    /// <summary>How many times the file was tried again after a transient fault: its downloads' retries and the orchestrator's.</summary>
    public int RetryAttempts { get; init; }

    /// <summary>Retries the file's downloads took within the attempt that returned this result.</summary>
    public int DownloadRetries { get; init; }

    /// <summary>Set when the connector could not read this version of the file: the commit remembers it.</summary>
    public UnreadableFile? Unreadable { get; init; }

    public static FileWorkResult From(string sourceFileId, FileSyncResult result, DateTimeOffset started, DateTimeOffset ended)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(sourceFileId, result.Outcome, result.Staged, result.Error, result.Warnings, result.ElementsRead, started, ended) { Unreadable = result.Unreadable };
    }

    /// <summary>The task result this file earned: Error when it failed, Skipped when unchanged, else Success.</summary>
    public string TaskResult(SyncError? pushError = null) =>
        (Error ?? (Staged is not null ? pushError : null)) is not null ? RunResults.Error
        : Outcome == FileOutcome.Skipped ? RunResults.Skipped
        : RunResults.Success;
}

/// <param name="Unreadable">File versions the run could not read, remembered so an unchanged one is not read again.</param>
/// <param name="ConfiguredCoordinateSystem">The iModel-scope <c>geographicCoordinateSystem</c> setting the run resolved.</param>
public sealed record PushInput(RunInput Run, IReadOnlyList<StagedFile> Staged, IReadOnlyList<UnreadableFile> Unreadable, string? ConfiguredCoordinateSystem = null);

public sealed record PushOutput(string? ChangesetId, int? ChangesetIndex, SyncError? Error);

/// <param name="LostLock">The run was ended as abandoned while it was silent and another run took its lock: its record stays as that left it.</param>
public sealed record FinalizeInput(RunInput Run, IReadOnlyList<FileWorkResult> Files, PushOutput? Push, string? ErrorKey, string? ErrorDescription, bool Cancelled = false, bool LostLock = false);
