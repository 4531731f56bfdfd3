using Microsoft.DurableTask;
using Sync.Durable.Runs;
using Sync.Engine.Changes;
using Sync.Engine.Model;
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
        var iModelId = Guid.NewGuid();
        var connection = new Connection(ScopedId.New(iModelId), ConnectionKind.Storage, iModelId, Guid.NewGuid(), "c", AuthenticationType.Service, null, DateTimeOffset.UtcNow);
        await connections.CreateAsync(connection, [], CancellationToken.None);

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

    /// <summary>The activities here read only the orchestration's instance id (the run id) from their context.</summary>
    private sealed class Context(string instanceId) : TaskActivityContext
    {
        public override TaskName Name => new("RunActivity");

        public override string InstanceId => instanceId;
    }
}
