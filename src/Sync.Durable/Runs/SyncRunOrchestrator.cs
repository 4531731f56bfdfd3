using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Sync.Durable.Configuration;
using Sync.Durable.Resync;
using Sync.Engine.Catalog;
using Sync.Engine.Changes;
using Sync.Engine.Model;
using Sync.Engine.Runs;

namespace Sync.Durable.Runs;

/// <summary>
/// One run of a connection: take the connection's run lock → check that it may act for the connection
/// (<see cref="AuthorizeRunActivity"/>: a User connection needs its owner's grant) → read the configuration scopes → resolve the
/// settings and the files (one activity) → fan out one <see cref="SynchronizeFileActivity"/> per file (spatial
/// roots first, whose coordinate system the others are read into), at most
/// <see cref="MaxParallelFiles"/> at a time, retrying only what threw (a transient fault; unreadable files come
/// back as results) → one <see cref="PushChangesetActivity"/> for everything staged and every file version found
/// unreadable, if the run still holds its lock → <see cref="FinalizeRunActivity"/> → release the lock. Deterministic: no clocks, ids or I/O here.
/// </summary>
public sealed class SyncRunOrchestrator : TaskOrchestrator<RunInput, string>
{
    public const int MaxParallelFiles = 4;

    /// <summary>Files up to this size are read several per activity.</summary>
    public const long SmallFileBytes = 1 << 20;

    public const int MaxBatchFiles = 16;

    public const long MaxBatchBytes = 4 << 20;

    /// <summary>Attempts per file before a transient fault becomes the file's task error.</summary>
    public const int FileAttempts = 3;

    /// <summary>The external event that cancels a run: it then pushes nothing and ends Completed/Cancelled.</summary>
    public const string CancelEvent = "Cancel";

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(FileAttempts, TimeSpan.FromSeconds(2), backoffCoefficient: 2));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Dictionary<string, string>? settings = null;
        if (input.Trigger == RunTriggers.Automatic)
        {
            settings = await StartAutomaticRunAsync(context, input);
            if (settings is null)
            {
                return "NotStarted";
            }
        }

        var runLock = new EntityInstanceId(nameof(ConnectionRunLock), input.ConnectionId);
        string holder = await context.Entities.CallEntityAsync<string>(runLock, nameof(ConnectionRunLock.TryAcquire), new LockRequest(input.RunId, null));
        if (holder != input.RunId && await context.CallActivityAsync<bool>(nameof(RunEndedActivity), new RunReference(input.ConnectionId, holder), Retry))
        {
            // The holder's record is final (ended as abandoned, or its release is still on its way): take over.
            holder = await context.Entities.CallEntityAsync<string>(runLock, nameof(ConnectionRunLock.TryAcquire), new LockRequest(input.RunId, holder));
        }

        if (holder != input.RunId)
        {
            await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, [], null, "RunSchedulingConflict", "Another run of this connection is executing."), Retry);
            return "RunSchedulingConflict";
        }

        try
        {
            var results = new List<FileWorkResult>();
            PushOutput? push = null;
            var cancelled = context.WaitForExternalEvent<bool>(CancelEvent);
            try
            {
                if (await context.CallActivityAsync<RunError?>(nameof(AuthorizeRunActivity), input, Retry) is { } denied)
                {
                    await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, [], null, denied.ErrorKey, denied.Description), Retry);
                    return denied.ErrorKey;
                }

                settings ??= await ResolveSettingsAsync(context, input);
                var plan = await context.CallActivityAsync<RunPlan>(nameof(BeginRunActivity), new BeginRunInput(input, settings), Retry);
                // Files whose version the iModel already holds were decided in that one step, without an activity each.
                results.AddRange(plan.Skipped ?? []);
                // Spatial roots first: their coordinate system is the one the other files are read into.
                var roots = plan.Files.Where(f => f.IsSpatialRoot).ToList();
                if (roots.Count > 0 && !await SynchronizeFilesAsync(context, roots, results, cancelled))
                {
                    await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, null, null, null, Cancelled: true), Retry);
                    return "Cancelled";
                }

                string? rootCrs = SpatialRootCrs(plan, results);
                var others = plan.Files.Where(f => !f.IsSpatialRoot).Select(f => f.ReadInto(rootCrs)).ToList();
                if (!await SynchronizeFilesAsync(context, others, results, cancelled))
                {
                    // Staged work of a cancelled run is never pushed.
                    await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, null, null, null, Cancelled: true), Retry);
                    return "Cancelled";
                }

                var staged = results.Where(r => r.Staged is not null).Select(r => r.Staged!).ToList();
                var unreadable = results.Where(r => r.Unreadable is not null).Select(r => r.Unreadable!).ToList();
                if (staged.Count > 0 || unreadable.Count > 0)
                {
                    if (!await context.Entities.CallEntityAsync<bool>(runLock, nameof(ConnectionRunLock.Holds), input.RunId))
                    {
                        // Given up as abandoned while it was silent, and another run took over: push nothing.
                        await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, null, null, null, LostLock: true), Retry);
                        return "LostLock";
                    }

                    string crs = ConfigurationSettings.PlainValue(settings.GetValueOrDefault(ConfigurationSettings.GeographicCoordinateSystem, "\"\""));
                    push = await context.CallActivityAsync<PushOutput>(nameof(PushChangesetActivity), new PushInput(input, staged, unreadable, crs), Retry);
                }
            }
            catch (TaskFailedException e)
            {
                await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, push, "RunOrchestrationError", e.FailureDetails.ErrorMessage), Retry);
                return "RunOrchestrationError";
            }

            await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, push, null, null), Retry);
            return "Completed";
        }
        finally
        {
            await context.Entities.SignalEntityAsync(runLock, nameof(ConnectionRunLock.Release), input.RunId);
            await context.Entities.SignalEntityAsync(Scheduler(input), nameof(ResyncScheduler.RunEnded), input.RunId);
        }
    }

    /// <summary>
    /// The start of an automatic run (see <see cref="ResyncScheduler"/>): when the connection's <c>autoSync</c> is on,
    /// claim the connection the way a run request does. Returns the resolved settings, or null (the scheduler told
    /// why) when the run does not go ahead.
    /// </summary>
    private static async Task<Dictionary<string, string>?> StartAutomaticRunAsync(TaskOrchestrationContext context, RunInput input)
    {
        string outcome;
        try
        {
            var settings = await ResolveSettingsAsync(context, input);
            if (!ConfigurationSettings.IsOn(settings, ConfigurationSettings.AutoSync))
            {
                outcome = nameof(ResyncScheduler.Declined);
            }
            else
            {
                var claim = await context.CallActivityAsync<RunClaim>(nameof(ClaimAutomaticRunActivity), input, Retry);
                if (claim.Outcome == RunClaimOutcome.Claimed)
                {
                    return settings;
                }

                outcome = claim.Outcome == RunClaimOutcome.ConnectionGone ? nameof(ResyncScheduler.Declined) : nameof(ResyncScheduler.Busy);
            }
        }
        catch (TaskFailedException)
        {
            // Storage trouble: try again when the scheduler rechecks.
            outcome = nameof(ResyncScheduler.Busy);
        }

        await context.Entities.SignalEntityAsync(Scheduler(input), outcome, input.RunId);
        return null;
    }

    private static EntityInstanceId Scheduler(RunInput input) => new(nameof(ResyncScheduler), input.ConnectionId);

    /// <summary>
    /// Synchronizes files in a sliding window of at most <see cref="MaxParallelFiles"/> activities (a new one starts as
    /// soon as any running one finishes), small files several per activity; adds their results. False when the run
    /// was cancelled meanwhile.
    /// </summary>
    private static async Task<bool> SynchronizeFilesAsync(TaskOrchestrationContext context, IEnumerable<FileWork> files, List<FileWorkResult> results, Task<bool> cancelled)
    {
        var pending = new Queue<IReadOnlyList<FileWork>>(Batches(files));
        var running = new List<Task<IReadOnlyList<FileWorkResult>>>();
        while (pending.Count > 0 || running.Count > 0)
        {
            while (running.Count < MaxParallelFiles && pending.Count > 0)
            {
                var batch = pending.Dequeue();
                running.Add(batch.Count == 1 ? One(SynchronizeFileAsync(context, batch[0])) : SynchronizeBatchAsync(context, batch));
            }

            var done = await Task.WhenAny([.. running, cancelled]);
            if (done == cancelled)
            {
                return false;
            }

            var finished = (Task<IReadOnlyList<FileWorkResult>>)done;
            running.Remove(finished);
            results.AddRange(await finished);
        }

        return true;

        static async Task<IReadOnlyList<FileWorkResult>> One(Task<FileWorkResult> file) => [await file];
    }

    /// <summary>
    /// Files in read order, grouped: each file of at most <see cref="SmallFileBytes"/> joins a batch of up to
    /// <see cref="MaxBatchFiles"/> files and <see cref="MaxBatchBytes"/> bytes; larger files and files of unknown size
    /// (downloads, removals) go alone.
    /// </summary>
    private static List<IReadOnlyList<FileWork>> Batches(IEnumerable<FileWork> files)
    {
        var batches = new List<IReadOnlyList<FileWork>>();
        var batch = new List<FileWork>();
        long bytes = 0;
        foreach (var file in files)
        {
            if (file.Remove || file.Bytes is not { } size || size > SmallFileBytes)
            {
                batches.Add([file]);
                continue;
            }

            if (batch.Count == MaxBatchFiles || bytes + size > MaxBatchBytes)
            {
                batches.Add(batch);
                batch = [];
                bytes = 0;
            }

            batch.Add(file);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>A batch in one activity; a file that threw there (or the whole batch, if the activity failed) is retried on its own.</summary>
    private static async Task<IReadOnlyList<FileWorkResult>> SynchronizeBatchAsync(TaskOrchestrationContext context, IReadOnlyList<FileWork> batch)
    {
        IReadOnlyList<FileWorkResult?> outcomes;
        try
        {
            outcomes = await context.CallActivityAsync<IReadOnlyList<FileWorkResult?>>(nameof(SynchronizeFilesActivity), batch);
        }
        catch (TaskFailedException)
        {
            outcomes = new FileWorkResult?[batch.Count];
        }

        var results = new List<FileWorkResult>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            results.Add(outcomes[i] ?? await SynchronizeFileAsync(context, batch[i], firstAttempt: 2));
        }

        return results;
    }

    /// <summary>The spatial root's coordinate system: as read in this run, else as committed before it.</summary>
    private static string? SpatialRootCrs(RunPlan plan, List<FileWorkResult> results) =>
        results.Where(r => plan.Files.Any(f => f.IsSpatialRoot && f.SourceFileId == r.SourceFileId))
            .Select(r => r.Staged?.Spatial?.CoordinateSystem).FirstOrDefault(crs => crs is not null)
        ?? plan.CommittedSpatialRootCrs;

    /// <summary>The connection's settings now: defaults &lt; iTwin &lt; iModel &lt; connection scope. Replays return the same.</summary>
    private static async Task<Dictionary<string, string>> ResolveSettingsAsync(TaskOrchestrationContext context, RunInput input)
    {
        (ConfigurationLevel Level, string Id)[] scopes =
        [
            (ConfigurationLevel.ITwin, input.ITwinId.ToString("D")),
            (ConfigurationLevel.IModel, input.IModelId.ToString("D")),
            (ConfigurationLevel.Connection, input.ConnectionId),
        ];
        var snapshots = await Task.WhenAll(scopes.Select(scope => context.Entities.CallEntityAsync<ScopeSnapshot>(
            new EntityInstanceId(nameof(ConfigurationScope), ConfigurationSettings.ScopeKey(scope.Level, scope.Id)), nameof(ConfigurationScope.Get))));
        return ConfigurationSettings.Resolve(scopes.Select(s => s.Level), snapshots.Where(s => s.Exists).Select(s => s.Settings));
    }

    /// <summary>
    /// One file, tried again after a transient fault (the activity threw) up to <see cref="FileAttempts"/> times;
    /// a fault that persists becomes this file's task error and the run goes on with the others.
    /// </summary>
    private static async Task<FileWorkResult> SynchronizeFileAsync(TaskOrchestrationContext context, FileWork work, int firstAttempt = 1)
    {
        var started = context.CurrentUtcDateTime;
        for (int attempt = firstAttempt; ; attempt++)
        {
            try
            {
                var result = await context.CallActivityAsync<FileWorkResult>(nameof(SynchronizeFileActivity), work with { Attempt = attempt });
                return result with { RetryAttempts = attempt - 1 + result.DownloadRetries };
            }
            catch (TaskFailedException) when (attempt < FileAttempts)
            {
                await context.CreateTimer(TimeSpan.FromSeconds(2 << (attempt - 1)), CancellationToken.None);
            }
            catch (TaskFailedException e)
            {
                var error = new SyncError("SynchronizationFailed", "internal", $"'{work.FileName}' could not be synchronized after {attempt} attempts: {e.FailureDetails.ErrorMessage} The next run tries it again.", CanUserFix: false);
                return new FileWorkResult(work.SourceFileId, FileOutcome.Failed, null, error, [], 0, started, context.CurrentUtcDateTime) { RetryAttempts = attempt - 1 };
            }
        }
    }
}
