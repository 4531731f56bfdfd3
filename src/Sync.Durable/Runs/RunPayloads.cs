using Sync.Engine.Changes;
using Sync.Engine.Model;

namespace Sync.Durable.Runs;

// Orchestration payloads: references and counts, never element lists.

/// <param name="Manifest">For manifest connections: the files this run was asked to synchronize or unmap.</param>
public sealed record RunInput(string RunId, string ConnectionId, Guid IModelId, IReadOnlyList<ManifestFile>? Manifest = null);

/// <summary>One file of a manifest run: the connection's source file, where to download it, how to read it.</summary>
public sealed record ManifestFile(string SourceFileId, string DocumentId, string Name, string? Url, string ConnectorType, bool Unmap);

/// <summary>The files a run will synchronize, resolved once at its start.</summary>
public sealed record RunPlan(IReadOnlyList<FileWork> Files);

/// <param name="Remove">The file left the connection: stage the deletion of its elements instead of reading it.</param>
/// <param name="StorageFileId">The storage file to read (storage connections).</param>
/// <param name="Url">The pre-authenticated URL to download (manifest connections).</param>
public sealed record FileWork(string RunId, Guid IModelId, string SourceFileId, string? StorageFileId, string FileName, string ConnectorType, bool Remove = false, string? Url = null)
{
    /// <summary>The connection whose run record the file reports its progress to.</summary>
    public string? ConnectionId { get; init; }
}

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
    /// <summary>The task result this file earned: Error when it failed, Skipped when unchanged, else Success.</summary>
    public string TaskResult(SyncError? pushError = null) =>
        (Error ?? (Staged is not null ? pushError : null)) is not null ? RunResults.Error
        : Outcome == FileOutcome.Skipped ? RunResults.Skipped
        : RunResults.Success;
}

public sealed record PushInput(RunInput Run, IReadOnlyList<StagedFile> Staged);

public sealed record PushOutput(string? ChangesetId, int? ChangesetIndex, SyncError? Error);

public sealed record FinalizeInput(RunInput Run, IReadOnlyList<FileWorkResult> Files, PushOutput? Push, string? ErrorKey, string? ErrorDescription, bool Cancelled = false);
