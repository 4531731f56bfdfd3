using Sync.Engine.Model;

namespace Sync.Engine.Stores;

/// <summary>Run records of connections; listing is newest first.</summary>
public interface IRunStore
{
    Task CreateAsync(Run run, CancellationToken cancellationToken);

    /// <summary>A run's record, whether or not its connection still exists (runs read it while they work).</summary>
    Task<Run?> GetAsync(string connectionId, string runId, CancellationToken cancellationToken);

    /// <summary>
    /// A run as clients read it, in one round trip that also finds the mark <see cref="CloseAsync"/> leaves: throws
    /// <see cref="ConnectionDeletedException"/> once the connection's history is closed, so a reader need not read
    /// the connection to know it still exists.
    /// </summary>
    Task<Run?> GetUnlessDeletedAsync(string connectionId, string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the connection's run history for good, before the connection is deleted: client reads of its runs then
    /// throw <see cref="ConnectionDeletedException"/>. Runs still working may go on writing their records.
    /// </summary>
    Task CloseAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the finished runs of a closed history (their records and task blobs); the close stays, and so do runs
    /// still working, which go on writing their records and are purged when they finish. Returns how many runs went.
    /// Does nothing to a history that is not closed (a live connection's, or one deleted before closes existed).
    /// </summary>
    Task<int> PurgeAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the history, newest first, and whether more runs follow it (no count: that would be a second query).
    /// Throws <see cref="ConnectionDeletedException"/> once the history is closed.
    /// </summary>
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
