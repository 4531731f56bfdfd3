using System.Text.Json;
using Sync.Engine.Changes;
using Sync.Engine.Elements;
using Sync.Engine.Index;
using Sync.Engine.Stores;
using Sync.Engine.Tests.Support;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

/// <summary>
/// Element index checkpoints on Azurite: a host that replayed enough publishes its index; a fresh host starts from it
/// and replays only later changesets; a checkpoint of another history is never used.
/// </summary>
[TestClass]
public sealed class ElementIndexCheckpointTests
{
    private const string Pumps = "Tag,Name,Flow\nP-1,Feed,12.5\nP-2,Return,8\nP-3,Spare,0\n";

    [TestMethod]
    public async Task A_fresh_host_starts_from_the_published_checkpoint_and_replays_only_what_came_after()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", Pumps.Replace("12.5", "13", StringComparison.Ordinal)));
        var publisher = new ElementIndex(Blobs, Log, NewCacheDirectory(), checkpointOperations: 1);
        Assert.AreEqual(3L, (await publisher.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total);
        Assert.IsNotNull(await Blobs.GetSizeAsync(BlobNames.IndexCheckpoint(iModel), CancellationToken.None), "published after the replay");

        // Changesets 1 and 2 made unreadable: only the checkpoint can give a fresh host their state.
        foreach (int index in new[] { 1, 2 })
        {
            foreach (string part in (await Log.GetAsync(iModel, index, CancellationToken.None))!.Parts)
            {
                await Blobs.DeleteIfExistsAsync(part, CancellationToken.None);
            }
        }

        await RunAsync(iModel, "run-3", Csv(iModel, "run-3", "file-a", Pumps.Replace("12.5", "13", StringComparison.Ordinal) + "P-4,New,1\n"));
        var fresh = new ElementIndex(Blobs, Log, NewCacheDirectory());
        Assert.AreEqual(4L, (await fresh.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total, "checkpoint (1-2) + replay of 3");
        Assert.AreEqual(13, await FlowAsync(fresh, iModel, "P-1"));
        var changes = await fresh.GetChangedElementsAsync(iModel, 3, 3, CancellationToken.None);
        Assert.AreEqual("inserted", changes.Single().Change, "the history came with the checkpoint");
    }

    [TestMethod]
    public async Task A_deleted_iModel_s_local_file_goes_with_it()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        string cache = NewCacheDirectory();
        var index = new ElementIndex(Blobs, Log, cache);
        Assert.AreEqual(3L, (await index.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total);
        Assert.AreEqual(1, Directory.GetFiles(cache, $"{iModel:N}*.db").Length, "the local file this host keeps");

        await Log.CloseAsync(iModel, CancellationToken.None);
        await Assert.ThrowsExactlyAsync<IModelDeletedException>(() => index.ListAsync(iModel, null, null, 10, 0, CancellationToken.None));
        Assert.IsEmpty(Directory.GetFiles(cache, $"{iModel:N}*"), "deleted with its WAL files");
    }

    [TestMethod]
    public async Task A_checkpoint_of_another_history_is_not_used()
    {
        var other = Guid.NewGuid();
        await RunAsync(other, "run-1", Csv(other, "run-1", "file-a", "Tag,Flow\nX-1,1\nX-2,2\n"));
        await new ElementIndex(Blobs, Log, NewCacheDirectory(), checkpointOperations: 1).ListAsync(other, null, null, 10, 0, CancellationToken.None);

        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        // Another iModel's checkpoint where this one's would be (as after a delete and re-create under the same id).
        await using (var source = (await Blobs.OpenReadAsync(BlobNames.IndexCheckpoint(other), CancellationToken.None))!)
        await using (var target = await Blobs.OpenWriteAsync(BlobNames.IndexCheckpoint(iModel), CancellationToken.None))
        {
            await source.CopyToAsync(target);
        }

        var fresh = new ElementIndex(Blobs, Log, NewCacheDirectory());
        Assert.AreEqual(3L, (await fresh.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total, "its own three pumps, replayed");
        Assert.AreEqual(12.5, await FlowAsync(fresh, iModel, "P-1"));
    }

    [TestMethod]
    public async Task A_query_whose_tip_read_predates_a_push_another_query_applied_does_not_start_the_index_again()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        var log = new LateTipLog(Log);
        var index = new ElementIndex(Blobs, log, NewCacheDirectory());
        Assert.AreEqual(3L, (await index.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total);
        var beforePush = await Log.GetTipAsync(iModel, CancellationToken.None);

        await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", Pumps + "P-4,New,1\n"));
        Assert.AreEqual(4L, (await index.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total, "another query brought the file to the push");

        log.AnswerNextTipWith(beforePush);
        Assert.AreEqual(4L, (await index.ListAsync(iModel, null, null, 10, 0, CancellationToken.None)).Total, "answered from the file, at least as fresh as its tip");
        Assert.AreEqual(1, log.ReplaysFromStart, "only the first query replayed from the start: a file ahead of a late tip is not a reset history");
    }

    private static string NewCacheDirectory() => Path.Combine(Path.GetTempPath(), "sync-index-tests", Guid.NewGuid().ToString("N"));

    private static async Task<double> FlowAsync(ElementIndex index, Guid iModel, string tag)
    {
        var element = await index.GetAsync(iModel, ElementId.For(iModel, "file-a", tag), CancellationToken.None);
        using var json = JsonDocument.Parse(element!.Json);
        return json.RootElement.GetProperty("properties").GetProperty("Flow").GetDouble();
    }
}
