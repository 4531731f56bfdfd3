using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class TableRunStoreTests
{
    private readonly TableRunStore _store = new(StorageFixture.Account);

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Tasks_reported_in_parallel_are_all_kept_and_each_report_is_a_sign_of_life()
    {
        string connectionId = Guid.NewGuid().ToString("N");
        var run = NewRun(connectionId, 300) with { State = RunStates.Executing };
        await _store.CreateAsync(run, CancellationToken.None);
        var before = (await _store.GetAsync(connectionId, run.Id, CancellationToken.None))!;
        Assert.AreEqual((300, 0), (before.FilesTotal, before.FilesDone));

        // Many files finishing at once, some reporting twice (an activity that ran again).
        await Parallel.ForEachAsync(run.Tasks.Concat(run.Tasks.Take(20)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (task, _) =>
            await _store.UpdateTaskAsync(connectionId, run.Id, task.Id, t => t with { State = RunStates.Completed, Result = RunResults.Success }, CancellationToken.None));

        var after = (await _store.GetAsync(connectionId, run.Id, CancellationToken.None))!;
        Assert.AreEqual(300, after.FilesDone);
        Assert.IsTrue(after.Tasks.All(t => t.Result == RunResults.Success));
        CollectionAssert.AreEqual(run.Tasks.Select(t => t.Id).ToList(), after.Tasks.Select(t => t.Id).ToList(), "tasks keep their order");
        Assert.IsGreaterThan(before.UpdatedDateTime!.Value, after.UpdatedDateTime!.Value);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task A_completed_run_keeps_its_tasks_in_its_record_and_late_reports_change_nothing()
    {
        string connectionId = Guid.NewGuid().ToString("N");
        var run = NewRun(connectionId, 500) with { State = RunStates.Executing };
        await _store.CreateAsync(run, CancellationToken.None);
        await _store.UpdateTaskAsync(connectionId, run.Id, run.Tasks[0].Id, t => t with { State = RunStates.Completed, Result = RunResults.Skipped }, CancellationToken.None);

        // Ended by a run-level update (as an abandonment does): the tasks as they stood are kept.
        await _store.UpdateAsync(connectionId, run.Id, r => r with { State = RunStates.Completed, Result = RunResults.Error, Error = new RunError("RunAbandoned", "gone") }, CancellationToken.None);
        await _store.UpdateTaskAsync(connectionId, run.Id, run.Tasks[1].Id, t => t with { State = RunStates.Completed, Result = RunResults.Success }, CancellationToken.None);

        var final = (await _store.GetAsync(connectionId, run.Id, CancellationToken.None))!;
        Assert.AreEqual(("Completed", 500), (final.State, final.Tasks.Count));
        Assert.AreEqual(RunResults.Skipped, final.Tasks[0].Result);
        Assert.AreEqual(RunResults.Undetermined, final.Tasks[1].Result, "a report after the run completed changes nothing");
        Assert.AreEqual(1, final.FilesDone);

        var listed = await _store.ListAsync(connectionId, 0, 10, withTasks: true, CancellationToken.None);
        Assert.AreEqual(500, listed.Runs.Single().Tasks.Count);
        var summary = await _store.ListAsync(connectionId, 0, 10, withTasks: false, CancellationToken.None);
        Assert.AreEqual(("Completed", 0), (summary.Runs.Single().State, summary.Runs.Single().Tasks.Count));
        Assert.AreEqual((RunResults.Error, "RunAbandoned"), (summary.Runs.Single().Result, summary.Runs.Single().Error?.ErrorKey), "a summary still carries the run's own fields");
        Assert.IsNotNull(summary.Runs.Single().UpdatedDateTime, "and its sign of life, which decides abandonment");
    }

    [TestMethod]
    public async Task A_page_of_the_history_says_whether_more_runs_follow_it()
    {
        string connectionId = Guid.NewGuid().ToString("N");
        var start = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var run = NewRun(connectionId, 1) with { Id = Run.NewId(start.AddSeconds(i)) };
            ids.Add(run.Id);
            await _store.CreateAsync(run, CancellationToken.None);
        }

        ids.Reverse(); // newest first
        foreach (bool withTasks in new[] { true, false })
        {
            var first = await _store.ListAsync(connectionId, 0, 2, withTasks, CancellationToken.None);
            CollectionAssert.AreEqual(ids.Take(2).ToList(), first.Runs.Select(r => r.Id).ToList());
            Assert.IsTrue(first.More);
            var last = await _store.ListAsync(connectionId, 2, 2, withTasks, CancellationToken.None);
            CollectionAssert.AreEqual(ids.Skip(2).ToList(), last.Runs.Select(r => r.Id).ToList());
            Assert.IsFalse(last.More);
            var exact = await _store.ListAsync(connectionId, 0, 3, withTasks, CancellationToken.None);
            Assert.AreEqual((3, false), (exact.Runs.Count, exact.More), "a page that ends with the history has no next");
            Assert.AreEqual(withTasks ? 1 : 0, exact.Runs[0].Tasks.Count);
        }
    }

    [TestMethod]
    public async Task Reports_for_unknown_runs_or_tasks_change_nothing()
    {
        string connectionId = Guid.NewGuid().ToString("N");
        await _store.UpdateTaskAsync(connectionId, "no-such-run", "t", t => t with { Result = RunResults.Success }, CancellationToken.None);
        var run = NewRun(connectionId, 2) with { State = RunStates.Executing };
        await _store.CreateAsync(run, CancellationToken.None);
        await _store.UpdateTaskAsync(connectionId, run.Id, "no-such-task", t => t with { Result = RunResults.Success }, CancellationToken.None);
        var read = (await _store.GetAsync(connectionId, run.Id, CancellationToken.None))!;
        Assert.IsTrue(read.Tasks.All(t => t.Result == RunResults.Undetermined));
        Assert.IsNull(await _store.GetAsync(connectionId, "no-such-run", CancellationToken.None));
    }

    [TestMethod]
    public async Task A_closed_history_is_read_by_clients_as_deleted_and_by_runs_as_before()
    {
        string connectionId = Guid.NewGuid().ToString("N");
        var run = NewRun(connectionId, 2);
        await _store.CreateAsync(run, CancellationToken.None);
        Assert.AreEqual(run.Id, (await _store.GetUnlessDeletedAsync(connectionId, run.Id, CancellationToken.None))!.Id);
        Assert.IsNull(await _store.GetUnlessDeletedAsync(connectionId, Run.NewId(DateTimeOffset.UtcNow), CancellationToken.None));

        await _store.CloseAsync(connectionId, CancellationToken.None);
        var deleted = await Assert.ThrowsExactlyAsync<ConnectionDeletedException>(() => _store.GetUnlessDeletedAsync(connectionId, run.Id, CancellationToken.None));
        Assert.AreEqual(connectionId, deleted.ConnectionId);
        await Assert.ThrowsExactlyAsync<ConnectionDeletedException>(() => _store.GetUnlessDeletedAsync(connectionId, Run.NewId(DateTimeOffset.UtcNow), CancellationToken.None));
        await Assert.ThrowsExactlyAsync<ConnectionDeletedException>(() => _store.ListAsync(connectionId, 1, 10, withTasks: false, CancellationToken.None));

        // A run still working reads and writes its own record.
        await _store.UpdateAsync(connectionId, run.Id, r => r with { State = RunStates.Completed, Result = RunResults.Success }, CancellationToken.None);
        Assert.AreEqual(RunResults.Success, (await _store.GetAsync(connectionId, run.Id, CancellationToken.None))!.Result);
    }

    [TestMethod]
    public async Task A_purge_takes_a_closed_history_s_finished_runs_and_leaves_the_close_and_runs_still_working()
    {
        string connectionId = Guid.NewGuid().ToString("N");
        var start = DateTimeOffset.UtcNow;
        var small = NewRun(connectionId, 2) with { Id = Run.NewId(start), State = RunStates.Completed, Result = RunResults.Success };
        var large = NewRun(connectionId, 500) with { Id = Run.NewId(start.AddSeconds(1)), State = RunStates.Completed, Result = RunResults.Success };
        var working = NewRun(connectionId, 3) with { Id = Run.NewId(start.AddSeconds(2)), State = RunStates.Executing };
        foreach (var run in new[] { small, large, working })
        {
            await _store.CreateAsync(run, CancellationToken.None);
        }

        string tasksBlob = $"runs/{connectionId}/{large.Id}.tasks.json";
        var blobs = new AzureBlobStore(StorageFixture.Account);
        Assert.IsNotNull(await blobs.GetSizeAsync(tasksBlob, CancellationToken.None), "500 tasks outgrow the row");
        Assert.AreEqual(0, await _store.PurgeAsync(connectionId, CancellationToken.None), "a live history is never purged");
        Assert.AreEqual(3, (await _store.ListAsync(connectionId, 0, 10, withTasks: false, CancellationToken.None)).Runs.Count);

        await _store.CloseAsync(connectionId, CancellationToken.None);
        Assert.AreEqual(2, await _store.PurgeAsync(connectionId, CancellationToken.None));
        Assert.IsNull(await _store.GetAsync(connectionId, small.Id, CancellationToken.None));
        Assert.IsNull(await _store.GetAsync(connectionId, large.Id, CancellationToken.None));
        Assert.IsNull(await blobs.GetSizeAsync(tasksBlob, CancellationToken.None), "with its tasks");
        await Assert.ThrowsExactlyAsync<ConnectionDeletedException>(() => _store.GetUnlessDeletedAsync(connectionId, small.Id, CancellationToken.None), "the close stays");

        // The run still working goes on, and goes when it has finished.
        await _store.UpdateTaskAsync(connectionId, working.Id, working.Tasks[0].Id, t => t with { State = RunStates.Completed, Result = RunResults.Success }, CancellationToken.None);
        Assert.AreEqual(1, (await _store.GetAsync(connectionId, working.Id, CancellationToken.None))!.FilesDone);
        await _store.UpdateAsync(connectionId, working.Id, r => r with { State = RunStates.Completed, Result = RunResults.Success }, CancellationToken.None);
        Assert.AreEqual(1, await _store.PurgeAsync(connectionId, CancellationToken.None));
        Assert.IsNull(await _store.GetAsync(connectionId, working.Id, CancellationToken.None));
    }

    private static Run NewRun(string connectionId, int files)
    {
        var tasks = Enumerable.Range(0, files)
            .Select(i => Guid.NewGuid().ToString("D"))
            .Select(id => new RunTask(id, id, null, $"file-{id}.csv", "PSEXCEL", RunStates.Queued, RunResults.Undetermined, null, null, 0, null, null))
            .ToList();
        return new Run(Run.NewId(DateTimeOffset.UtcNow), connectionId, RunStates.Queued, RunResults.Undetermined, DateTimeOffset.UtcNow, null, null, tasks, null, null);
    }
}
