using Microsoft.DurableTask;
using Sync.Engine.Catalog;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Durable.Runs;

/// <summary>Marks the run Executing with the settings it uses and resolves the connection's files into the run's plan.</summary>
public sealed class BeginRunActivity(IRunStore runs, IConnectionStore connections, IStorageFileStore files, FileSynchronizer synchronizer, SyncStateReader states, ConnectorRegistry connectors, TimeProvider clock) : TaskActivity<BeginRunInput, RunPlan>
{
    public override async Task<RunPlan> RunAsync(TaskActivityContext context, BeginRunInput begin)
    {
        ArgumentNullException.ThrowIfNull(begin);
        var input = begin.Run;
        var work = new List<FileWork>();
        var tasks = new List<RunTask>();
        if (input.Manifest is not null)
        {
            // A manifest run synchronizes exactly the files its request names; unmapped ones lose their elements.
            var spatialRoots = (await connections.ListSourceFilesAsync(input.ConnectionId, CancellationToken.None).ConfigureAwait(false))
                .Where(f => f.IsSpatialRoot).Select(f => f.Id.ToString("D")).ToHashSet(StringComparer.Ordinal);
            var companions = Companions(input.Manifest);
            foreach (var file in input.Manifest.Where(f => !companions.ContainsKey(f.SourceFileId)))
            {
                work.Add(new FileWork(input.RunId, input.IModelId, file.SourceFileId, null, file.Name, file.ConnectorType, Remove: file.Unmap, Url: file.Url)
                {
                    Document = file.Document,
                    ParentSourceFileId = file.ParentSourceFileId,
                    IsSpatialRoot = spatialRoots.Contains(file.SourceFileId),
                    Companions = companions.Values.Where(c => c.Master == file.SourceFileId).Select(c => new CompanionFile(c.File.Name, c.File.Url!)).ToList() is { Count: > 0 } own ? own : null,
                });
                tasks.Add(new RunTask(file.SourceFileId, file.SourceFileId, null, file.Name, file.Unmap ? "UNMAP" : file.ConnectorType, RunStates.Queued, RunResults.Undetermined, null, null, 0, null, null) { DocumentId = file.DocumentId });
            }

            // A master's reference files are the children it lists now: earlier ones no longer listed, and all
            // of an unmapped master's, lose their elements.
            foreach (var master in input.Manifest.Where(f => f.ParentSourceFileId is null))
            {
                var listed = input.Manifest.Where(f => f.ParentSourceFileId == master.SourceFileId).Select(f => f.SourceFileId).ToHashSet(StringComparer.Ordinal);
                foreach (string child in await synchronizer.CommittedChildrenAsync(input.IModelId, master.SourceFileId, CancellationToken.None).ConfigureAwait(false))
                {
                    if (!listed.Contains(child))
                    {
                        AddRemoval(work, tasks, input, child, $"(reference file of {master.Name}, no longer listed)");
                    }
                }
            }

            return await SavePlanAsync(begin, work, tasks).ConfigureAwait(false);
        }

        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in await connections.ListSourceFilesAsync(input.ConnectionId, CancellationToken.None).ConfigureAwait(false))
        {
            var file = await files.GetAsync(source.ExternalId, CancellationToken.None).ConfigureAwait(false);
            string name = file?.Name ?? source.LastKnownFileName ?? source.ExternalId;
            if (file is not null)
            {
                versions[source.Id.ToString("D")] = file.ContentHash;
            }

            work.Add(new FileWork(input.RunId, input.IModelId, source.Id.ToString("D"), source.ExternalId, name, source.ConnectorType ?? string.Empty) { IsSpatialRoot = source.IsSpatialRoot, Bytes = file?.Size });
            tasks.Add(new RunTask(source.Id.ToString("D"), source.Id.ToString("D"), source.ExternalId, name, source.ConnectorType ?? string.Empty, RunStates.Queued, RunResults.Undetermined, null, null, 0, null, null));
        }

        // Files this connection synchronized before but no longer has: their elements go.
        var current = work.Select(w => w.SourceFileId).ToHashSet(StringComparer.Ordinal);
        foreach (string removed in await synchronizer.CommittedFilesAsync(input.IModelId, input.ConnectionId, CancellationToken.None).ConfigureAwait(false))
        {
            if (!current.Contains(removed))
            {
                AddRemoval(work, tasks, input, removed, "(removed from the connection)");
            }
        }

        return await SavePlanAsync(begin, work, tasks, versions).ConfigureAwait(false);
    }

    private static readonly string[] ShapefileParts = [".dbf", ".shx", ".prj", ".cpg"];

    /// <summary>
    /// The children that are parts of their master rather than files of their own: a .shp master's .dbf, .shx, .prj
    /// and .cpg of the same name. They are downloaded with the master and have no task of their own.
    /// </summary>
    private static Dictionary<string, (string Master, ManifestFile File)> Companions(IReadOnlyList<ManifestFile> manifest)
    {
        var parts = new Dictionary<string, (string, ManifestFile)>(StringComparer.Ordinal);
        foreach (var master in manifest.Where(f => f.ParentSourceFileId is null && !f.Unmap && f.Name.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)))
        {
            string stem = Path.GetFileNameWithoutExtension(master.Name);
            foreach (var child in manifest.Where(f => f.ParentSourceFileId == master.SourceFileId && f.Url is not null
                && Path.GetFileNameWithoutExtension(f.Name).Equals(stem, StringComparison.OrdinalIgnoreCase)
                && ShapefileParts.Contains(Path.GetExtension(f.Name), StringComparer.OrdinalIgnoreCase)))
            {
                parts[child.SourceFileId] = (master.SourceFileId, child);
            }
        }

        return parts;
    }

    private static void AddRemoval(List<FileWork> work, List<RunTask> tasks, RunInput input, string sourceFileId, string label)
    {
        work.Add(new FileWork(input.RunId, input.IModelId, sourceFileId, string.Empty, label, string.Empty, Remove: true));
        tasks.Add(new RunTask(sourceFileId, sourceFileId, null, label, "REMOVED", RunStates.Queued, RunResults.Undetermined, null, null, 0, null, null));
    }

    /// <param name="versions">Storage files' version markers (content hashes) by source file id: those the commit holds already are decided here.</param>
    private async Task<RunPlan> SavePlanAsync(BeginRunInput begin, List<FileWork> work, List<RunTask> tasks, Dictionary<string, string>? versions = null)
    {
        var input = begin.Run;
        var run = await runs.GetAsync(input.ConnectionId, input.RunId, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Run {input.RunId} has no record.");

        // Files carry only the settings some connector reads.
        var read = connectors.All.SelectMany(c => c.SettingNames).ToHashSet(StringComparer.Ordinal);
        var settings = begin.Settings.Where(s => read.Contains(s.Key)).ToDictionary(s => s.Key, s => ConfigurationSettings.PlainValue(s.Value), StringComparer.Ordinal);
        var state = await states.CurrentAsync(input.IModelId, CancellationToken.None).ConfigureAwait(false);
        string? committedRootCrs = state.SpatialRoot().Spatial?.CoordinateSystem;
        var planned = work.Select(w => w with { ConnectionId = input.ConnectionId, Settings = settings }).ToList();

        var now = clock.GetUtcNow();
        var skipped = new List<FileWorkResult>();
        if (versions is { Count: > 0 })
        {
            // A spatial root read in this run may give the others a new coordinate system: those that read one wait for it.
            bool rootsInRun = planned.Any(w => w.IsSpatialRoot);
            foreach (var file in planned.ToList())
            {
                if (file.Remove || !versions.TryGetValue(file.SourceFileId, out string? version)
                    || (rootsInRun && !file.IsSpatialRoot && synchronizer.ReadsCoordinateSystem(file.ConnectorType, file.FileName)))
                {
                    continue;
                }

                var asRead = file.IsSpatialRoot ? file : file.ReadInto(committedRootCrs);
                var probe = new FileSyncRequest(input.IModelId, input.RunId, file.SourceFileId, file.FileName, file.ConnectorType, version, _ => throw new InvalidOperationException("not read"), asRead.Settings)
                {
                    IsSpatialRoot = file.IsSpatialRoot,
                };
                if (synchronizer.Unchanged(probe, state) is { } result)
                {
                    skipped.Add(FileWorkResult.From(file.SourceFileId, result, now, now));
                    planned.Remove(file);
                }
            }
        }

        var decided = skipped.ToDictionary(r => r.SourceFileId, StringComparer.Ordinal);
        var recorded = tasks.Select(t => decided.TryGetValue(t.SourceFileId, out var result)
            ? t with { State = RunStates.Completed, Result = result.TaskResult(), StartDateTime = now, EndDateTime = now }
            : t).ToList();
        await runs.SaveAsync(run with { State = RunStates.Executing, StartDateTime = run.StartDateTime ?? now, Tasks = recorded, ResolvedSettings = begin.Settings }, CancellationToken.None).ConfigureAwait(false);
        return new RunPlan(planned, committedRootCrs, skipped);
    }
}

/// <summary>
/// Synchronizes one source file and stages its differences. An unreadable or missing file is a result (task
/// error, not retried); an exception means a transient fault and is retried by the orchestrator's policy.
/// </summary>
public sealed class SynchronizeFileActivity(FileSynchronizer synchronizer, IStorageFileStore files, SourceDownloader downloader, IRunStore runs, TimeProvider clock) : TaskActivity<FileWork, FileWorkResult>
{
    public override async Task<FileWorkResult> RunAsync(TaskActivityContext context, FileWork input)
    {
        var result = await SynchronizeAsync(input).ConfigureAwait(false);
        if (input.ConnectionId is not null)
        {
            // Progress while the run executes: this file's task is done (idempotent if the activity runs again).
            await runs.UpdateTaskAsync(input.ConnectionId, input.RunId, input.SourceFileId, task => task with
            {
                State = RunStates.Completed,
                Result = result.TaskResult(),
                StartDateTime = result.StartDateTime,
                EndDateTime = result.EndDateTime,
                RetryAttempts = input.Attempt - 1 + result.DownloadRetries,
            }, CancellationToken.None).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<FileWorkResult> SynchronizeAsync(FileWork input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var started = clock.GetUtcNow();
        if (input.Remove)
        {
            var removal = await synchronizer.StageRemovalAsync(input.IModelId, input.RunId, input.SourceFileId, CancellationToken.None).ConfigureAwait(false);
            return FileWorkResult.From(input.SourceFileId, removal, started, clock.GetUtcNow());
        }

        if (input.Url is not null)
        {
            var (downloaded, retries) = await downloader.SynchronizeAsync(synchronizer, input, CancellationToken.None).ConfigureAwait(false);
            return FileWorkResult.From(input.SourceFileId, downloaded, started, clock.GetUtcNow()) with { DownloadRetries = retries };
        }

        var file = input.StorageFileId is null ? null : await files.GetAsync(input.StorageFileId, CancellationToken.None).ConfigureAwait(false);
        FileSyncResult result;
        if (file is null)
        {
            result = FileSyncResult.Fail(new SyncError("SourceFileNotFound", "file_access", $"Storage file '{input.StorageFileId}' ({input.FileName}) no longer exists. Upload it again or remove it from the connection.", CanUserFix: true));
        }
        else
        {
            var request = new FileSyncRequest(
                input.IModelId,
                input.RunId,
                input.SourceFileId,
                file.Name,
                input.ConnectorType,
                $"{file.ContentHash}",
                async cancellationToken => (await files.OpenReadAsync(input.StorageFileId!, cancellationToken).ConfigureAwait(false))?.Content
                    ?? throw new FileNotFoundException($"Storage file '{input.StorageFileId}' disappeared while it was being read."),
                input.Settings)
            {
                IsSpatialRoot = input.IsSpatialRoot,
            };
            result = await synchronizer.SynchronizeAsync(request, CancellationToken.None).ConfigureAwait(false);
        }

        return FileWorkResult.From(input.SourceFileId, result, started, clock.GetUtcNow());
    }
}

/// <summary>
/// Several small files in one activity, one after another (each as <see cref="SynchronizeFileActivity"/> would): a
/// first run of many small files pays one activity per batch instead of one per file. A file whose read threw (a
/// transient fault) comes back as null, for the orchestrator to retry on its own.
/// </summary>
public sealed class SynchronizeFilesActivity(FileSynchronizer synchronizer, IStorageFileStore files, SourceDownloader downloader, IRunStore runs, TimeProvider clock) : TaskActivity<IReadOnlyList<FileWork>, IReadOnlyList<FileWorkResult?>>
{
    public override async Task<IReadOnlyList<FileWorkResult?>> RunAsync(TaskActivityContext context, IReadOnlyList<FileWork> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var single = new SynchronizeFileActivity(synchronizer, files, downloader, runs, clock);
        var results = new List<FileWorkResult?>(input.Count);
        foreach (var work in input)
        {
            try
            {
                results.Add(await single.RunAsync(context, work).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                results.Add(null);
            }
        }

        return results;
    }
}

/// <summary>Commits everything the run staged as at most one changeset (idempotent per run).</summary>
public sealed class PushChangesetActivity(ChangesetPusher pusher, IRunStore runs) : TaskActivity<PushInput, PushOutput>
{
    public override async Task<PushOutput> RunAsync(TaskActivityContext context, PushInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await runs.UpdateAsync(input.Run.ConnectionId, input.Run.RunId, run => run with { State = RunStates.Finalizing }, CancellationToken.None).ConfigureAwait(false);
        try
        {
            var request = new PushRequest(input.Run.IModelId, input.Run.RunId, input.Run.ConnectionId, input.Staged)
            {
                Unreadable = input.Unreadable,
                ConfiguredCoordinateSystem = input.ConfiguredCoordinateSystem,
            };
            var commit = await pusher.PushAsync(request, CancellationToken.None).ConfigureAwait(false);
            return new PushOutput(commit.Changeset?.Id, commit.Changeset?.Index, null);
        }
        catch (StaleBaselineException e)
        {
            return new PushOutput(null, null, new SyncError("ConcurrentSynchronization", "data_conflict", e.Message, CanUserFix: false));
        }
        catch (IModelDeletedException e)
        {
            return new PushOutput(null, null, new SyncError("IModelDeleted", "data_conflict", e.Message, CanUserFix: false));
        }
    }
}

/// <summary>Whether a run's record is final (or gone): a lock it still holds may be taken over.</summary>
public sealed class RunEndedActivity(IRunStore runs) : TaskActivity<RunReference, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RunReference input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = await runs.GetAsync(input.ConnectionId, input.RunId, CancellationToken.None).ConfigureAwait(false);
        return run is not { IsActive: true };
    }
}

/// <summary>
/// Deletes the run's staged blobs nothing will read, writes the run's final record (tasks, result, changeset)
/// and frees the connection for its next run.
/// </summary>
public sealed class FinalizeRunActivity(IRunStore runs, IConnectionStore connections, StagedRunCleanup cleanup, TimeProvider clock) : TaskActivity<FinalizeInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, FinalizeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var staged = input.Files.Where(f => f.Staged is not null).Select(f => f.Staged!).ToList();
        await cleanup.CleanAsync(input.Run.IModelId, input.Run.RunId, staged, CancellationToken.None).ConfigureAwait(false);

        var run = await runs.GetAsync(input.Run.ConnectionId, input.Run.RunId, CancellationToken.None).ConfigureAwait(false);
        if (run is null)
        {
            // Purged with its deleted connection, after this finalize had run once (a retry) or after it had been
            // ended as abandoned: there is nothing left to record.
            return await connections.GetAsync(input.Run.ConnectionId, CancellationToken.None).ConfigureAwait(false) is null
                ? RunResults.Undetermined
                : throw new InvalidOperationException($"Run {input.Run.RunId} has no record.");
        }

        if (!run.IsActive)
        {
            // Already final: this finalize ran before (a retry), or the run was ended as abandoned while silent.
            if (input.Push?.ChangesetId is { } pushed && run.ChangesetId is null)
            {
                // It came back and pushed before another run took its lock over: the record must say so.
                await runs.SaveAsync(run with
                {
                    ChangesetId = pushed,
                    ChangesetIndex = input.Push.ChangesetIndex,
                    Error = run.Error is null ? null : run.Error with { Description = $"{run.Error.Description} It resumed later and pushed changeset {input.Push.ChangesetIndex}." },
                }, CancellationToken.None).ConfigureAwait(false);
            }

            await connections.EndRunAsync(input.Run.ConnectionId, input.Run.RunId, CancellationToken.None).ConfigureAwait(false);
            await PurgeIfDeletedAsync(input.Run.ConnectionId).ConfigureAwait(false);
            return run.Result;
        }

        var results = input.Files.ToDictionary(f => f.SourceFileId);
        var tasks = run.Tasks.Select(task => results.TryGetValue(task.SourceFileId, out var r) ? Complete(task, r, input.Push) : task with { State = RunStates.Completed, Result = RunResults.Undetermined }).ToList();

        string result;
        RunError? error = null;
        int failed = tasks.Count(t => t.Result == RunResults.Error);
        if (input.Cancelled)
        {
            result = RunResults.Cancelled;
            error = new RunError("RunCancelled", "The run was cancelled; nothing was pushed.");
        }
        else if (input.LostLock)
        {
            result = RunResults.Error;
            error = new RunError("RunLockLost", "Another run of this connection took over while this one was silent; nothing was pushed.");
        }
        else if (input.ErrorKey is not null)
        {
            result = RunResults.Error;
            error = new RunError(input.ErrorKey, input.ErrorDescription ?? input.ErrorKey);
        }
        else if (input.Push?.Error is { } pushError)
        {
            result = RunResults.Error;
            error = new RunError(pushError.Code, pushError.Description);
        }
        else if (failed > 0 && failed == tasks.Count)
        {
            result = RunResults.Error;
            error = new RunError("AllJobsFailed", "No source file could be synchronized; see the tasks' errors.");
        }
        else if (failed > 0)
        {
            result = RunResults.PartialSuccess;
            error = new RunError("SomeJobsFailed", $"{failed} of {tasks.Count} source files could not be synchronized; see the tasks' errors.");
        }
        else
        {
            result = RunResults.Success;
        }

        await runs.SaveAsync(run with
        {
            State = RunStates.Completed,
            Result = result,
            Error = error,
            EndDateTime = clock.GetUtcNow(),
            Tasks = tasks,
            ChangesetId = input.Push?.ChangesetId,
            ChangesetIndex = input.Push?.ChangesetIndex,
        }, CancellationToken.None).ConfigureAwait(false);
        await connections.EndRunAsync(input.Run.ConnectionId, input.Run.RunId, CancellationToken.None).ConfigureAwait(false);
        await PurgeIfDeletedAsync(input.Run.ConnectionId).ConfigureAwait(false);
        return result;
    }

    /// <summary>A run that finishes after its connection was deleted purges itself: the delete left it, as it was working.</summary>
    private async Task PurgeIfDeletedAsync(string connectionId)
    {
        if (await connections.GetAsync(connectionId, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await runs.PurgeAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static RunTask Complete(RunTask task, FileWorkResult r, PushOutput? push)
    {
        var error = r.Error ?? (r.Staged is not null && push?.Error is { } pushError ? pushError : null);
        string result = r.TaskResult(push?.Error);
        var staged = r.Staged;
        return task with
        {
            State = RunStates.Completed,
            Result = result,
            StartDateTime = r.StartDateTime,
            EndDateTime = r.EndDateTime,
            RetryAttempts = r.RetryAttempts,
            Error = error is null ? null : new TaskErrorRecord(error.Code, error.Category, error.Code, error.Description, error.CanUserFix),
            Report = new SynchronizationReport(
                error is not null ? "Error" : r.Warnings.Count > 0 ? "Warning" : "None",
                error?.Description ?? (r.Warnings.Count > 0 ? r.Warnings[0] : r.Outcome == FileOutcome.Skipped ? "Unchanged since the last synchronization." : "Synchronized."),
                error is null ? 0 : 1,
                r.Warnings.Count,
                0,
                staged?.Inserted ?? 0,
                staged?.Updated ?? 0,
                staged?.Deleted ?? 0,
                r.ElementsRead),
        };
    }
}
