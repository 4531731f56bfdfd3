using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sync.Engine.Model;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>A run in the spec's shape (§2.5–§2.7) with our additions: trigger, progress, changeset, resolved settings.</summary>
public sealed record RunView(
    string Id,
    string ConnectionId,
    string? StartDateTime,
    string? EndDateTime,
    string Phase,
    string State,
    string Result,
    string Trigger,
    RunError? Error,
    IReadOnlyList<JobView> Jobs,
    int FilesTotal,
    int FilesDone,
    ChangesetReference? Changeset,
    IReadOnlyDictionary<string, JsonNode?>? ResolvedSettings,
    string? LastActivityDateTime,
    [property: JsonPropertyName("_links")] SelfLink Links);

/// <summary>The tasks of one connector type.</summary>
public sealed record JobView(string Id, string ConnectorType, string State, string Result, string? StartDateTime, string? EndDateTime, IReadOnlyList<TaskView> Tasks);

/// <summary>One source file's part of a run; <c>sourceFileId</c> is the manifest document id.</summary>
public sealed record TaskView(
    string Id,
    string? StorageFileId,
    string? SourceFileId,
    string FileName,
    string State,
    string Result,
    string? StartDateTime,
    string? EndDateTime,
    int RetryAttempts,
    TaskErrorView? Error,
    TaskDetailsView? Details);

public sealed record TaskErrorView(string ErrorCode, string Message, string System, string Phase, string Category, string DescriptionKey, string Description, bool CanUserFix);

public sealed record TaskDetailsView(SynchronizationReport SynchronizationReport);

public sealed record ChangesetReference(string Id, int? Index);

/// <summary>A run in a list without <c>Prefer: return=representation</c>.</summary>
public sealed record RunSummary(string Id, string State, string Result);

public sealed record RunAnswer(RunView Run);

public sealed record RunsAnswer(IReadOnlyList<RunSummary> Runs, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record RunsRepresentationAnswer(IReadOnlyList<RunView> Runs, [property: JsonPropertyName("_links")] PageLinks Links);
