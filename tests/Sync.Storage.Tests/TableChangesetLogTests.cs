using Sync.Engine.Stores;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class TableChangesetLogTests
{
    private readonly TableChangesetLog _log = new(StorageFixture.Account);

    [TestMethod]
    public async Task The_chain_advances_only_from_the_tip_it_was_read_at()
    {
        var iModel = Guid.NewGuid();
        var empty = await _log.GetTipAsync(iModel, CancellationToken.None);
        Assert.AreEqual(ChainTip.Empty, empty);
        Assert.IsTrue(await _log.TryAdvanceAsync(iModel, empty, "state-1", Changeset(1, null, 2), "run-1", CancellationToken.None));
        Assert.IsFalse(await _log.TryAdvanceAsync(iModel, empty, "state-x", Changeset(1, null, 2), "run-x", CancellationToken.None), "a second first changeset");

        var tip = await _log.GetTipAsync(iModel, CancellationToken.None);
        Assert.AreEqual((1, "state-1"), (tip.Index, tip.StateBlob));
        Assert.IsTrue(await _log.TryAdvanceAsync(iModel, tip, "state-2", null, "run-2", CancellationToken.None), "a state-only commit");
        Assert.IsFalse(await _log.TryAdvanceAsync(iModel, tip, "state-3", Changeset(2, "id-1", 2), "run-3", CancellationToken.None), "a stale tip");
        Assert.IsNull((await _log.GetRunCommitAsync(iModel, "run-2", CancellationToken.None))!.Changeset);
        Assert.IsNull(await _log.GetRunCommitAsync(iModel, "run-3", CancellationToken.None));
    }

    [TestMethod]
    public async Task A_closed_chain_is_read_as_deleted_and_takes_no_push()
    {
        var pushed = Guid.NewGuid();
        Assert.IsTrue(await _log.TryAdvanceAsync(pushed, ChainTip.Empty, "state-1", Changeset(1, null, 1), "run-1", CancellationToken.None));
        var before = await _log.GetTipAsync(pushed, CancellationToken.None);
        await _log.CloseAsync(pushed, CancellationToken.None);
        var deleted = await Assert.ThrowsExactlyAsync<IModelDeletedException>(() => _log.GetTipAsync(pushed, CancellationToken.None));
        Assert.AreEqual(pushed, deleted.IModelId);
        Assert.IsFalse(await _log.TryAdvanceAsync(pushed, before, "state-2", Changeset(2, "id-1", 1), "run-2", CancellationToken.None), "a push that read the tip before the close");

        // An iModel closed before its first push: the first push (which expects no tip at all) fails too.
        var neverPushed = Guid.NewGuid();
        await _log.CloseAsync(neverPushed, CancellationToken.None);
        Assert.IsFalse(await _log.TryAdvanceAsync(neverPushed, ChainTip.Empty, "state-1", Changeset(1, null, 1), "run-1", CancellationToken.None));
        await Assert.ThrowsExactlyAsync<IModelDeletedException>(() => _log.GetTipAsync(neverPushed, CancellationToken.None));
    }

    [TestMethod]
    public async Task A_purge_leaves_a_closed_history_its_close_and_nothing_else()
    {
        var iModel = Guid.NewGuid();
        var tip = ChainTip.Empty;
        for (int i = 1; i <= 3; i++)
        {
            Assert.IsTrue(await _log.TryAdvanceAsync(iModel, tip, $"state-{i}", Changeset(i, tip.ChangesetId, 1), $"run-{i}", CancellationToken.None));
            tip = await _log.GetTipAsync(iModel, CancellationToken.None);
        }

        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => _log.PurgeAsync(iModel, CancellationToken.None), "a live history is never purged");
        Assert.AreEqual(3, (await _log.ListAsync(iModel, 0, 10, CancellationToken.None)).Count);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => _log.PurgeAsync(Guid.NewGuid(), CancellationToken.None), "nor one that never began");

        await _log.CloseAsync(iModel, CancellationToken.None);
        Assert.AreEqual(9, await _log.PurgeAsync(iModel, CancellationToken.None), "three changesets, their id lookups and their runs");
        Assert.AreEqual(0, await _log.PurgeAsync(iModel, CancellationToken.None), "a repeated purge finds nothing more");
        Assert.IsEmpty(await _log.ListAsync(iModel, 0, 10, CancellationToken.None));
        Assert.IsNull(await _log.GetRunCommitAsync(iModel, "run-2", CancellationToken.None));
        await Assert.ThrowsExactlyAsync<IModelDeletedException>(() => _log.GetTipAsync(iModel, CancellationToken.None), "the close stays");
        Assert.IsFalse(await _log.TryAdvanceAsync(iModel, ChainTip.Empty, "state-x", Changeset(1, null, 1), "run-x", CancellationToken.None), "and still takes no push");
    }

    [TestMethod]
    public async Task A_changeset_of_many_files_keeps_every_part()
    {
        // More part names than a table property holds: the details go to a blob.
        var iModel = Guid.NewGuid();
        var changeset = Changeset(1, null, 1000);
        Assert.IsTrue(await _log.TryAdvanceAsync(iModel, ChainTip.Empty, "state", changeset, "run", CancellationToken.None));
        var read = (await _log.GetByIdAsync(iModel, changeset.Id, CancellationToken.None))!;
        CollectionAssert.AreEqual(changeset.Parts.ToArray(), read.Parts.ToArray());
        CollectionAssert.AreEqual(changeset.SynchronizationInfo.ChangedFiles.ToArray(), read.SynchronizationInfo.ChangedFiles.ToArray());
        Assert.AreEqual(1, (await _log.ListAsync(iModel, 0, 10, CancellationToken.None)).Count);
    }

    private static ChangesetRecord Changeset(int index, string? parent, int files)
    {
        var ids = Enumerable.Range(0, files).Select(i => $"source-file-{i:D4}-{Guid.NewGuid():D}").ToList();
        return new ChangesetRecord(index, $"id-{index}", parent, "test", DateTimeOffset.UtcNow, 0, 10, 1, 0, 0,
            ids.Select(id => $"changesets/{Guid.NewGuid():D}/run/{id}.ndjson.gz").ToList(),
            new SynchronizationInfo("run", "connection", ids));
    }
}
