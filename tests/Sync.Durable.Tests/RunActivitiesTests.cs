using Microsoft.DurableTask;
using Sync.Durable.Runs;
using Sync.Engine.Changes;
using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;
using Sync.Storage;
using Sync.Testing;

namespace Sync.Durable.Tests;

/// <summary>Run activities (push, finalize) against the real stores on Azurite.</summary>
[TestClass]
public sealed class RunActivitiesTests
{
    private static StorageAccount? _account;

    private static StorageAccount Account => _account ?? throw new InvalidOperationException("Storage was not initialised.");

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        _ = context;
        _account = new StorageAccount(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = TestStorage.NewPrefix("d") });
        await _account.EnsureCreatedAsync(CancellationToken.None);
    }

    [TestMethod]
    public async Task A_run_ended_as_abandoned_that_comes_back_having_pushed_says_so_and_leaves_the_next_runs_lock()
    {
        var runs = new TableRunStore(Account);
        var connections = new TableConnectionStore(Account);
        var connection = await NewConnectionAsync(connections);
        var iModelId = connection.IModelId;

        // The run was ended as abandoned while silent, and another run holds the connection's lock now.
        var now = DateTimeOffset.UtcNow;
        var abandoned = new Run(Run.NewId(now), connection.Id, RunStates.Completed, RunResults.Error, now.AddMinutes(-30), now.AddMinutes(-5), new RunError("RunAbandoned", "The run stopped reporting."), [], null, null);
        await runs.CreateAsync(abandoned, CancellationToken.None);
        Assert.AreEqual("other-run", await connections.TryBeginRunAsync(connection.Id, "other-run", CancellationToken.None));

        var activity = new FinalizeRunActivity(runs, connections, new StagedRunCleanup(new AzureBlobStore(Account), new TableChangesetLog(Account)), TimeProvider.System);
        var input = new FinalizeInput(new RunInput(abandoned.Id, connection.Id, connection.ITwinId, iModelId), [], new PushOutput(new string('a', 40), 7, null), null, null);
        string result = await activity.RunAsync(new Context(abandoned.Id), input);

        Assert.AreEqual(RunResults.Error, result, "it stays as it was ended");
        var after = (await runs.GetAsync(connection.Id, abandoned.Id, CancellationToken.None))!;
        Assert.AreEqual((RunStates.Completed, RunResults.Error, new string('a', 40), (int?)7), (after.State, after.Result, after.ChangesetId, after.ChangesetIndex));
        StringAssert.EndsWith(after.Error!.Description, "It resumed later and pushed changeset 7.");
        Assert.AreEqual("other-run", (await connections.GetAsync(connection.Id, CancellationToken.None))!.ActiveRunId, "the other run's lock is left alone");

        // Finalized again (a repeated activity): the record already says so and is not written twice.
        await activity.RunAsync(new Context(abandoned.Id), input);
        StringAssert.EndsWith((await runs.GetAsync(connection.Id, abandoned.Id, CancellationToken.None))!.Error!.Description, "The run stopped reporting. It resumed later and pushed changeset 7.");
    }

    [TestMethod]
    public async Task A_run_that_finishes_after_its_connection_was_deleted_purges_its_own_record()
    {
        var runs = new TableRunStore(Account);
        var connections = new TableConnectionStore(Account);
        var connection = await NewConnectionAsync(connections);
        var iModelId = connection.IModelId;
        var now = DateTimeOffset.UtcNow;
        var finished = new Run(Run.NewId(now.AddMinutes(-10)), connection.Id, RunStates.Completed, RunResults.Success, now.AddMinutes(-10), now.AddMinutes(-9), null, [], null, null);
        var working = new Run(Run.NewId(now), connection.Id, RunStates.Executing, RunResults.Undetermined, now, null, null, [], null, null);
        await runs.CreateAsync(finished, CancellationToken.None);
        await runs.CreateAsync(working, CancellationToken.None);
        Assert.AreEqual(working.Id, await connections.TryBeginRunAsync(connection.Id, working.Id, CancellationToken.None));

        Assert.IsTrue(await new ConnectionRemoval(connections, runs).DeleteAsync(connection.Id, CancellationToken.None));
        Assert.IsNull(await runs.GetAsync(connection.Id, finished.Id, CancellationToken.None), "the delete purged the finished run");
        Assert.IsNotNull(await runs.GetAsync(connection.Id, working.Id, CancellationToken.None), "and left the one still working");

        var activity = new FinalizeRunActivity(runs, connections, new StagedRunCleanup(new AzureBlobStore(Account), new TableChangesetLog(Account)), TimeProvider.System);
        var input = new FinalizeInput(new RunInput(working.Id, connection.Id, connection.ITwinId, iModelId), [], null, null, null);
        Assert.AreEqual(RunResults.Success, await activity.RunAsync(new Context(working.Id), input));
        Assert.IsNull(await runs.GetAsync(connection.Id, working.Id, CancellationToken.None), "finished, it purged itself");
        Assert.AreEqual(RunResults.Undetermined, await activity.RunAsync(new Context(working.Id), input), "a repeated finalize finds nothing to record");
    }

    [TestMethod]
    public async Task A_run_that_finishes_while_its_connection_is_being_deleted_is_purged_by_the_delete()
    {
        var connections = new TableConnectionStore(Account);
        var connection = await NewConnectionAsync(connections);
        var iModelId = connection.IModelId;
        var now = DateTimeOffset.UtcNow;
        var working = new Run(Run.NewId(now), connection.Id, RunStates.Executing, RunResults.Undetermined, now, null, null, [], null, null);
        var runs = new RunStoreFinishingARunAfterFirstPurge(new TableRunStore(Account));
        await runs.CreateAsync(working, CancellationToken.None);
        Assert.AreEqual(working.Id, await connections.TryBeginRunAsync(connection.Id, working.Id, CancellationToken.None));
        var activity = new FinalizeRunActivity(runs, connections, new StagedRunCleanup(new AzureBlobStore(Account), new TableChangesetLog(Account)), TimeProvider.System);
        runs.FinishRun = () => activity.RunAsync(new Context(working.Id), new FinalizeInput(new RunInput(working.Id, connection.Id, connection.ITwinId, iModelId), [], null, null, null));

        // The delete's first purge leaves the working run; it finishes before the connection goes, so it keeps its record.
        Assert.IsTrue(await new ConnectionRemoval(connections, runs).DeleteAsync(connection.Id, CancellationToken.None));
        Assert.IsNull(await runs.GetAsync(connection.Id, working.Id, CancellationToken.None), "the delete's last purge took it");
    }

    [TestMethod]
    public async Task A_run_whose_iModel_was_deleted_while_it_ran_ends_with_IModelDeleted_and_pushes_nothing()
    {
        var blobs = new AzureBlobStore(Account);
        var log = new TableChangesetLog(Account);
        var runs = new TableRunStore(Account);
        var iModelId = Guid.NewGuid();
        string connectionId = ScopedId.New(iModelId);
        var run = new Run(Run.NewId(DateTimeOffset.UtcNow), connectionId, RunStates.Executing, RunResults.Undetermined, DateTimeOffset.UtcNow, null, null, [], null, null);
        await runs.CreateAsync(run, CancellationToken.None);
        byte[] csv = "Tag,Flow\nP-1,1\nP-2,2\n"u8.ToArray();
        var synced = await new FileSynchronizer(blobs, log, Sync.Engine.Connectors.ConnectorRegistry.Default).SynchronizeAsync(
            new FileSyncRequest(iModelId, run.Id, "file-1", "pumps.csv", "PSEXCEL", "v1", _ => Task.FromResult<Stream>(new MemoryStream(csv))), CancellationToken.None);

        // The iModel is deleted after the file was read and before the run pushes.
        await log.CloseAsync(iModelId, CancellationToken.None);
        var activity = new PushChangesetActivity(new ChangesetPusher(blobs, log), runs);
        var output = await activity.RunAsync(new Context(run.Id), new PushInput(new RunInput(run.Id, connectionId, Guid.NewGuid(), iModelId), [synced.Staged!], []));

        Assert.AreEqual(("IModelDeleted", (string?)null), (output.Error?.Code, output.ChangesetId));
        StringAssert.Contains(output.Error!.Description, iModelId.ToString());
        Assert.IsNull(await log.GetRunCommitAsync(iModelId, run.Id, CancellationToken.None), "nothing was committed");
    }

    private static async Task<Connection> NewConnectionAsync(TableConnectionStore connections)
    {
        var iModelId = Guid.NewGuid();
        var connection = new Connection(ScopedId.New(iModelId), ConnectionKind.Storage, iModelId, Guid.NewGuid(), "c", AuthenticationType.Service, null, DateTimeOffset.UtcNow);
        await connections.CreateAsync(connection, [], CancellationToken.None);
        return connection;
    }

    /// <summary>Finishes a run (with <see cref="FinishRun"/>) right after the first purge, as a run finalizing on another host would.</summary>
    private sealed class RunStoreFinishingARunAfterFirstPurge(IRunStore inner) : IRunStore
    {
        public Func<Task<string>>? FinishRun { get; set; }

        public async Task<int> PurgeAsync(string connectionId, CancellationToken cancellationToken)
        {
            int purged = await inner.PurgeAsync(connectionId, cancellationToken);
            if (FinishRun is { } finish)
            {
                FinishRun = null;
                Assert.AreEqual(RunResults.Success, await finish());
            }

            return purged;
        }

        public Task CreateAsync(Run run, CancellationToken cancellationToken) => inner.CreateAsync(run, cancellationToken);

        public Task<Run?> GetAsync(string connectionId, string runId, CancellationToken cancellationToken) => inner.GetAsync(connectionId, runId, cancellationToken);

        public Task<Run?> GetUnlessDeletedAsync(string connectionId, string runId, CancellationToken cancellationToken) => inner.GetUnlessDeletedAsync(connectionId, runId, cancellationToken);

        public Task CloseAsync(string connectionId, CancellationToken cancellationToken) => inner.CloseAsync(connectionId, cancellationToken);

        public Task<RunPage> ListAsync(string connectionId, int skip, int top, bool withTasks, CancellationToken cancellationToken) => inner.ListAsync(connectionId, skip, top, withTasks, cancellationToken);

        public Task SaveAsync(Run run, CancellationToken cancellationToken) => inner.SaveAsync(run, cancellationToken);

        public Task UpdateAsync(string connectionId, string runId, Func<Run, Run> change, CancellationToken cancellationToken) => inner.UpdateAsync(connectionId, runId, change, cancellationToken);

        public Task UpdateTaskAsync(string connectionId, string runId, string taskId, Func<RunTask, RunTask> change, CancellationToken cancellationToken) => inner.UpdateTaskAsync(connectionId, runId, taskId, change, cancellationToken);
    }

    /// <summary>The activities here read only the orchestration's instance id (the run id) from their context.</summary>
    private sealed class Context(string instanceId) : TaskActivityContext
    {
        public override TaskName Name => new("RunActivity");

        public override string InstanceId => instanceId;
    }
}
