using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>Run records of connections; listing is newest first.</summary>
public interface IRunStore
{
    Task CreateAsync(Run run, CancellationToken cancellationToken);

    Task<Run?> GetAsync(string connectionId, string runId, CancellationToken cancellationToken);

    /// <summary>A page of the history, newest first, and whether more runs follow it (no count: that would be a second query).</summary>
    /// <param name="withTasks">False: runs without their tasks (empty <see cref="Run.Tasks"/>), for summaries.</param>
    Task<RunPage> ListAsync(string connectionId, int skip, int top, bool withTasks, CancellationToken cancellationToken);

    /// <summary>Replaces the run record (last writer wins: one orchestration owns a run).</summary>
    Task SaveAsync(Run run, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the current record with optimistic concurrency (for writers running in parallel).</summary>
    Task UpdateAsync(string connectionId, string runId, Func<Run, Run> change, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to one task of an executing run: a write of its own, so files finishing
    /// in parallel never contend, that also counts as the run's sign of life. Nothing happens once the run is
    /// completed or when it has no such task.
    /// </summary>
    Task UpdateTaskAsync(string connectionId, string runId, string taskId, Func<RunTask, RunTask> change, CancellationToken cancellationToken);
}

/// <summary>A page of a connection's runs and whether more follow it.</summary>
public sealed record RunPage(IReadOnlyList<Run> Runs, bool More);
