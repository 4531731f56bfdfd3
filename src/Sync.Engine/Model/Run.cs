using System.Globalization;
using System.Security.Cryptography;

namespace Sync.Engine.Model;

/// <summary>One execution of a connection over its source files, in the spec's shape (§2.5–§2.7).</summary>
public sealed record Run(
    string Id,
    string ConnectionId,
    string State,
    string Result,
    DateTimeOffset? StartDateTime,
    DateTimeOffset? EndDateTime,
    RunError? Error,
    IReadOnlyList<RunTask> Tasks,
    string? ChangesetId,
    int? ChangesetIndex)
{
    public bool IsActive => State != RunStates.Completed;

    public int FilesTotal => Tasks.Count;

    public int FilesDone => Tasks.Count(t => t.State == RunStates.Completed);

    /// <summary>When the record was last written (kept by the store): the run's last sign of life.</summary>
    public DateTimeOffset? UpdatedDateTime { get; init; }

    /// <summary>How the run was started (ours): <see cref="RunTriggers.Manual"/> or <see cref="RunTriggers.Automatic"/>.</summary>
    public string Trigger { get; init; } = RunTriggers.Manual;

    /// <summary>The configuration resolved when the run started (setting name → JSON literal).</summary>
    public IReadOnlyDictionary<string, string>? ResolvedSettings { get; init; }

    /// <summary>
    /// A new run id: 40 hex characters (as the service's run ids look) whose first 16 count down with time, so
    /// runs listed in id order come newest first.
    /// </summary>
    public static string NewId(DateTimeOffset now)
    {
        long countdown = long.MaxValue - now.UtcTicks;
        return countdown.ToString("x16", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }

    /// <summary>When a run id made by <see cref="NewId"/> was created; null for other ids.</summary>
    public static DateTimeOffset? CreatedAt(string id)
    {
        if (id is not { Length: 40 } || !long.TryParse(id.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long countdown))
        {
            return null;
        }

        long ticks = long.MaxValue - countdown;
        return ticks is >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }
}

public sealed record RunError(string ErrorKey, string Description);

/// <summary>One source file's part of a run.</summary>
public sealed record RunTask(
    string Id,
    string SourceFileId,
    string? StorageFileId,
    string FileName,
    string ConnectorType,
    string State,
    string Result,
    DateTimeOffset? StartDateTime,
    DateTimeOffset? EndDateTime,
    int RetryAttempts,
    TaskErrorRecord? Error,
    SynchronizationReport? Report)
{
    /// <summary>The caller's document id (manifest runs).</summary>
    public string? DocumentId { get; init; }
}

/// <summary>The spec's TaskError: the connector framework's SyncError record.</summary>
public sealed record TaskErrorRecord(string ErrorCode, string Category, string DescriptionKey, string Description, bool CanUserFix, string System = "sync_engine", string Phase = "synchronize");

public sealed record SynchronizationReport(string SuggestedAction, string Message, int TotalErrorsCount, int TotalWarningsCount, int TotalOtherIssuesCount, int Inserted, int Updated, int Deleted, long ElementsRead);

public static class RunStates
{
    public const string Queued = "Queued";
    public const string Executing = "Executing";
    public const string Finalizing = "Finalizing";
    public const string Completed = "Completed";
}

/// <summary>How a run was started.</summary>
public static class RunTriggers
{
    /// <summary>By a request to the runs API.</summary>
    public const string Manual = "manual";

    /// <summary>By a new version of a storage file the connection maps (automatic resync).</summary>
    public const string Automatic = "automatic";
}

public static class RunResults
{
    public const string Undetermined = "Undetermined";
    public const string Success = "Success";
    public const string PartialSuccess = "PartialSuccess";
    public const string Error = "Error";
    public const string Skipped = "Skipped";
    public const string Cancelled = "Cancelled";
}
