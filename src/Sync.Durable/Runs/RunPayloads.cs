using Sync.Engine.Changes;

namespace Sync.Durable.Runs;

// Orchestration payloads: references and counts, never element lists.

public sealed record RunInput(string RunId, string ConnectionId, Guid IModelId);

/// <summary>The files a run will synchronize, resolved once at its start.</summary>
public sealed record RunPlan(IReadOnlyList<FileWork> Files);

/// <param name="Remove">The file left the connection: stage the deletion of its elements instead of reading it.</param>
public sealed record FileWork(string RunId, Guid IModelId, string SourceFileId, string StorageFileId, string FileName, string ConnectorType, bool Remove = false);

public sealed record FileWorkResult(
    string SourceFileId,
    FileOutcome Outcome,
    StagedFile? Staged,
    SyncError? Error,
    IReadOnlyList<string> Warnings,
    long ElementsRead,
    DateTimeOffset StartDateTime,
    DateTimeOffset EndDateTime);

public sealed record PushInput(RunInput Run, IReadOnlyList<StagedFile> Staged);

public sealed record PushOutput(string? ChangesetId, int? ChangesetIndex, SyncError? Error);

public sealed record FinalizeInput(RunInput Run, IReadOnlyList<FileWorkResult> Files, PushOutput? Push, string? ErrorKey, string? ErrorDescription);
