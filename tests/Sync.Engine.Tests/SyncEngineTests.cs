using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Spreadsheets;
using Sync.Engine.Elements;
using Sync.Engine.Tests.Support;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class SyncEngineTests
{
    private const string Pumps = "Tag,Name,Flow\nP-1,Feed,12.5\nP-2,Return,8\nP-3,Spare,0\n";

    [TestMethod]
    public async Task First_sync_pushes_the_whole_file_as_changeset_1()
    {
        var iModel = Guid.NewGuid();
        var (files, commit) = await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps, "pumps.csv"));
        Assert.AreEqual(FileOutcome.Staged, files[0].Outcome);
        var changeset = commit.Changeset!;
        Assert.AreEqual(1, changeset.Index);
        Assert.IsNull(changeset.ParentId);
        Assert.AreEqual(40, changeset.Id.Length);
        Assert.AreEqual((3, 0, 0), (changeset.Inserted, changeset.Updated, changeset.Deleted));
        Assert.AreEqual(ContainingChanges.Schema, changeset.ContainingChanges);
        CollectionAssert.AreEqual(new[] { "file-a" }, changeset.SynchronizationInfo.ChangedFiles.ToArray());
        Assert.IsGreaterThan(0L, changeset.FileSize);

        var index = NewIndex();
        var (page, total) = await index.ListAsync(iModel, "PSEXCEL:pumps", null, 10, 0, CancellationToken.None);
        Assert.AreEqual(3, total);
        var element = await index.GetAsync(iModel, ElementId.For(iModel, "file-a", "P-1"), CancellationToken.None);
        using var json = JsonDocument.Parse(element!.Json);
        Assert.AreEqual(12.5, json.RootElement.GetProperty("properties").GetProperty("Flow").GetDouble());
        Assert.AreEqual("Feed", json.RootElement.GetProperty("userLabel").GetString());
        var schema = await index.GetSchemaAsync(iModel, CancellationToken.None);
        Assert.AreEqual("double", schema["PSEXCEL:pumps"]["Flow"]);
        Assert.AreEqual("string", schema["PSEXCEL:pumps"]["Tag"]);
        Assert.AreEqual(3, page.Count);
    }

    [TestMethod]
    public async Task An_unchanged_rerun_reads_nothing_and_pushes_nothing()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        bool opened = false;
        var request = Csv(iModel, "run-2", "file-a", Pumps) with { OpenContentAsync = _ => { opened = true; throw new InvalidOperationException("must not read"); } };
        var (files, commit) = await RunAsync(iModel, "run-2", request);
        Assert.AreEqual(FileOutcome.Skipped, files[0].Outcome);
        Assert.IsFalse(opened);
        Assert.IsNull(commit.Changeset);
        Assert.AreEqual(1, (await Log.GetTipAsync(iModel, CancellationToken.None)).Index);
    }

    [TestMethod]
    public async Task A_new_version_with_equal_elements_is_read_but_pushes_no_changeset_and_its_marker_becomes_current()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        string reordered = "Flow,Name,Tag\r\n0,Spare,P-3\r\n12.5,Feed,P-1\r\n8,Return,P-2\r\n";
        var (files, commit) = await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", reordered));
        Assert.AreEqual(FileOutcome.Staged, files[0].Outcome);
        Assert.AreEqual(3, files[0].ElementsRead);
        Assert.IsNull(commit.Changeset, "columns and rows reordered: same elements");

        var (again, _) = await RunAsync(iModel, "run-3", Csv(iModel, "run-3", "file-a", reordered));
        Assert.AreEqual(FileOutcome.Skipped, again[0].Outcome, "the marker of the read version was committed");
    }

    [TestMethod]
    public async Task Edits_push_exactly_the_changed_rows_and_changed_elements_name_the_changed_properties()
    {
        var iModel = Guid.NewGuid();
        var (_, first) = await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        string edited = "Tag,Name,Flow\nP-1,Feed,13\nP-3,Spare,0\nP-4,New,1\n";
        var (_, commit) = await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", edited));
        var changeset = commit.Changeset!;
        Assert.AreEqual((1, 1, 1), (changeset.Inserted, changeset.Updated, changeset.Deleted));
        Assert.AreEqual(2, changeset.Index);
        Assert.AreEqual(first.Changeset!.Id, changeset.ParentId);
        Assert.AreEqual(ContainingChanges.Regular, changeset.ContainingChanges);

        var lines = await ChangesetLinesAsync(changeset);
        CollectionAssert.AreEquivalent(new[] { "update", "insert", "delete" }, lines.Select(l => l.GetProperty("op").GetString()).ToArray());

        var changes = await NewIndex().GetChangedElementsAsync(iModel, 2, 2, CancellationToken.None);
        var byId = changes.ToDictionary(c => c.Id);
        var p1 = byId[ElementId.For(iModel, "file-a", "P-1")];
        Assert.AreEqual("updated", p1.Change);
        CollectionAssert.AreEqual(new[] { "Flow" }, p1.ChangedProperties.ToArray());
        Assert.AreEqual("deleted", byId[ElementId.For(iModel, "file-a", "P-2")].Change);
        Assert.AreEqual("inserted", byId[ElementId.For(iModel, "file-a", "P-4")].Change);
        Assert.AreEqual(3, changes.Count);

        var whole = await NewIndex().GetChangedElementsAsync(iModel, 1, 2, CancellationToken.None);
        Assert.AreEqual(3, whole.Count, "over both changesets P-2 was inserted then deleted: not listed");
        Assert.IsTrue(whole.All(c => c.Change == "inserted"));
    }

    [TestMethod]
    public async Task A_corrupt_file_is_a_task_error_and_deletes_nothing()
    {
        var iModel = Guid.NewGuid();
        byte[] good = Workbooks.Create(("Pumps", [["Tag", "Flow"], ["P-1", 1], ["P-2", 2]]));
        var (_, first) = await RunAsync(iModel, "run-1", Request(iModel, "run-1", "file-x", "plant.xlsx", good));
        Assert.AreEqual(2, first.Changeset!.Inserted);

        byte[] corrupt = good[..(good.Length / 2)];
        var (files, commit) = await RunAsync(iModel, "run-2", Request(iModel, "run-2", "file-x", "plant.xlsx", corrupt));
        Assert.AreEqual(FileOutcome.Failed, files[0].Outcome);
        Assert.AreEqual("SourceFileUnreadable", files[0].Error!.Code);
        Assert.IsTrue(files[0].Error!.CanUserFix);
        StringAssert.Contains(files[0].Error!.Description, "plant.xlsx");
        Assert.IsNull(commit.Changeset);
        Assert.AreEqual(2, (await NewIndex().ListAsync(iModel, null, "file-x", 10, 0, CancellationToken.None)).Total);

        // The same corrupt version is not read again: skipped, with a warning that says why and what to do.
        var (unchanged, none) = await RunAsync(iModel, "run-3", Request(iModel, "run-3", "file-x", "plant.xlsx", corrupt));
        Assert.AreEqual(FileOutcome.Skipped, unchanged[0].Outcome);
        StringAssert.Contains(unchanged[0].Warnings.Single(), "could not be read in run run-2");
        Assert.IsNull(none.Changeset);

        // ...until the connector or its settings change, which may read it after all.
        var keyed = Request(iModel, "run-4", "file-x", "plant.xlsx", corrupt, settings: new Dictionary<string, string> { [SpreadsheetConnector.KeyColumnSetting] = "Tag" });
        Assert.AreEqual(FileOutcome.Failed, (await Synchronizer().SynchronizeAsync(keyed, CancellationToken.None)).Outcome);

        // The good version again is recognised as unchanged: the failed run committed nothing of the file's elements.
        var (again, _) = await RunAsync(iModel, "run-5", Request(iModel, "run-5", "file-x", "plant.xlsx", good));
        Assert.AreEqual(FileOutcome.Skipped, again[0].Outcome);
        Assert.IsEmpty(again[0].Warnings);

        // And a version read successfully forgets the failure: the corrupt version, uploaded again, is read again.
        byte[] edited = Workbooks.Create(("Pumps", [["Tag", "Flow"], ["P-1", 1], ["P-2", 3]]));
        var (changed, _) = await RunAsync(iModel, "run-6", Request(iModel, "run-6", "file-x", "plant.xlsx", edited));
        Assert.AreEqual(FileOutcome.Staged, changed[0].Outcome);
        var (retried, _) = await RunAsync(iModel, "run-7", Request(iModel, "run-7", "file-x", "plant.xlsx", corrupt));
        Assert.AreEqual(FileOutcome.Failed, retried[0].Outcome);
    }

    [TestMethod]
    public async Task Staged_blobs_nothing_will_read_are_deleted_after_a_run()
    {
        var iModel = Guid.NewGuid();
        var cleanup = new StagedRunCleanup(Blobs, Log);
        var (first, _) = await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "a", "Tag,Flow\nP-1,1\n"), Csv(iModel, "run-1", "b", "Tag\nQ-1\n"));
        var (a1, b1) = (first[0].Staged!, first[1].Staged!);
        Assert.AreEqual(0, await cleanup.CleanAsync(iModel, "run-1", [a1, b1], CancellationToken.None), "a first commit leaves nothing unread");

        // a changes; b's bytes change but not its elements, so its operations are no changeset part.
        var (second, commit) = await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "a", "Tag,Flow\nP-1,2\n"), Csv(iModel, "run-2", "b", "Tag\r\nQ-1\r\n"));
        var (a2, b2) = (second[0].Staged!, second[1].Staged!);
        Assert.IsFalse(b2.HasChanges);
        CollectionAssert.Contains(commit.Changeset!.Parts.ToList(), a2.OperationsBlob);
        Assert.AreEqual(3, await cleanup.CleanAsync(iModel, "run-2", [a2, b2], CancellationToken.None));
        Assert.IsTrue(await ExistsAsync(a2.OperationsBlob), "a changeset part stays");
        Assert.IsFalse(await ExistsAsync(b2.OperationsBlob));
        Assert.IsFalse(await ExistsAsync(a1.NewSnapshot!), "superseded by run-2's snapshot");
        Assert.IsFalse(await ExistsAsync(b1.NewSnapshot!));
        Assert.IsTrue(await ExistsAsync(a2.NewSnapshot!) && await ExistsAsync(b2.NewSnapshot!));
        Assert.IsTrue(await ExistsAsync(BlobNames.State(iModel, "run-2")), "the committed state stays");

        // A run that stages and never commits (cancelled, failed push): all it staged goes, and what its push wrote
        // before it failed (here as if its transaction had met a deleted iModel); the committed state stays.
        var staged = (await Synchronizer().SynchronizeAsync(Csv(iModel, "run-3", "a", "Tag,Flow\nP-1,3\n"), CancellationToken.None)).Staged!;
        foreach (string leftover in new[] { BlobNames.State(iModel, "run-3"), BlobNames.SchemaPart(iModel, "run-3") })
        {
            await using var stream = await Blobs.OpenWriteAsync(leftover, CancellationToken.None);
            await stream.WriteAsync("{}"u8.ToArray());
        }

        Assert.AreEqual(2, await cleanup.CleanAsync(iModel, "run-3", [staged], CancellationToken.None));
        Assert.IsFalse(await ExistsAsync(staged.OperationsBlob) || await ExistsAsync(staged.NewSnapshot!));
        Assert.IsFalse(await ExistsAsync(BlobNames.State(iModel, "run-3")) || await ExistsAsync(BlobNames.SchemaPart(iModel, "run-3")), "the failed push's state and schema part");
        Assert.IsTrue(await ExistsAsync(BlobNames.State(iModel, "run-2")));
        var (again, next) = await RunAsync(iModel, "run-4", Csv(iModel, "run-4", "a", "Tag,Flow\nP-1,3\n"));
        Assert.AreEqual(1, again[0].Staged!.Updated);
        Assert.AreEqual(3, next.Changeset!.Index);
    }

    [TestMethod]
    public async Task A_changed_file_commits_a_patch_on_its_whole_snapshot_until_the_patch_outgrows_it()
    {
        var iModel = Guid.NewGuid();
        var cleanup = new StagedRunCleanup(Blobs, Log);
        const int rows = 3_000;
        string Register(Func<int, string> flow) => "Tag,Flow\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"P-{i},{flow(i)}\n"));

        async Task<StagedFile> CommitAsync(string runId, string csv, int updated)
        {
            var (files, commit) = await RunAsync(iModel, runId, Csv(iModel, runId, "a", csv));
            var staged = files[0].Staged!;
            Assert.AreEqual(updated, staged.Updated, runId);
            Assert.AreEqual(updated, commit.Changeset!.Updated, runId);
            await cleanup.CleanAsync(iModel, runId, [staged], CancellationToken.None);
            return staged;
        }

        var first = await CommitAsync("run-1", Register(i => "1"), 0);
        long whole = (await Blobs.GetSizeAsync(first.NewSnapshot!, CancellationToken.None))!.Value;

        // Two rows change: a patch of a few records, and the whole snapshot stays as its base.
        var second = await CommitAsync("run-2", Register(i => i is 10 or 2_000 ? "2" : "1"), 2);
        Assert.IsLessThan(whole / 10, (await Blobs.GetSizeAsync(second.NewSnapshot!, CancellationToken.None))!.Value);
        Assert.AreEqual(0, second.Superseded!.Count, "the previous snapshot is the patch's base");
        Assert.IsTrue(await ExistsAsync(first.NewSnapshot!));

        // Another row changes: a new patch on the same base replaces the previous patch.
        var third = await CommitAsync("run-3", Register(i => i is 10 or 2_000 or 2_500 ? "2" : "1"), 1);
        CollectionAssert.AreEqual(new[] { second.NewSnapshot }, third.Superseded!.ToArray());
        Assert.IsFalse(await ExistsAsync(second.NewSnapshot!));
        Assert.IsTrue(await ExistsAsync(first.NewSnapshot!));

        // Nothing changed in the elements (the bytes did): nothing is pushed, against base and patch together.
        var (same, none) = await RunAsync(iModel, "run-4", Csv(iModel, "run-4", "a", Register(i => i is 10 or 2_000 or 2_500 ? "2" : "1").Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.IsFalse(same[0].Staged!.HasChanges);
        Assert.IsNull(none.Changeset);
        await cleanup.CleanAsync(iModel, "run-4", [same[0].Staged!], CancellationToken.None);

        // Half the rows change: the patch would outgrow a quarter of the whole, so the snapshot is written whole and
        // the patch and its base both go.
        var fifth = await CommitAsync("run-5", Register(i => i % 2 == 0 ? "3" : "1"), 1_500);
        Assert.AreEqual(whole, await Blobs.GetSizeAsync(fifth.NewSnapshot!, CancellationToken.None));
        CollectionAssert.AreEquivalent(new[] { same[0].Staged!.NewSnapshot, first.NewSnapshot }, fifth.Superseded!.ToArray());
        Assert.IsFalse(await ExistsAsync(first.NewSnapshot!));

        // Every diff after that still sees exactly what changed.
        await CommitAsync("run-6", Register(i => i % 2 == 0 ? "3" : i == 7 ? "4" : "1"), 1);
        var patched = await CommitAsync("run-7", Register(i => i % 2 == 0 ? "3" : i is 7 or 9 ? "4" : "1"), 1);

        // Removing the file deletes every element of base and patch, and both blobs go with the commit.
        var removal = (await Synchronizer().StageRemovalAsync(iModel, "run-8", "a", CancellationToken.None)).Staged!;
        Assert.AreEqual(rows, removal.Deleted);
        var removed = await Pusher().PushAsync(new PushRequest(iModel, "run-8", "connection-1", [removal]), CancellationToken.None);
        Assert.AreEqual(rows, removed.Changeset!.Deleted);
        CollectionAssert.AreEquivalent(new[] { patched.NewSnapshot, fifth.NewSnapshot }, removal.Superseded!.ToArray());
        await cleanup.CleanAsync(iModel, "run-8", [removal], CancellationToken.None);
        Assert.IsFalse(await ExistsAsync(patched.NewSnapshot!) || await ExistsAsync(fifth.NewSnapshot!));
    }

    [TestMethod]
    public async Task A_connector_type_we_cannot_read_is_a_clear_task_error()
    {
        var result = await Synchronizer().SynchronizeAsync(Request(Guid.NewGuid(), "r", "f", "house.rvt", [1, 2, 3], "REVIT"), CancellationToken.None);
        Assert.AreEqual(FileOutcome.Failed, result.Outcome);
        Assert.AreEqual("ConnectorNotAvailable", result.Error!.Code);
    }

    [TestMethod]
    public async Task A_connector_version_bump_forces_conversion_of_an_unchanged_file()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps));
        var bumped = new ConnectorRegistry([new VersionedConnector("2.0.0")]);
        var result = await Synchronizer(bumped).SynchronizeAsync(Csv(iModel, "run-2", "file-a", Pumps), CancellationToken.None);
        Assert.AreEqual(FileOutcome.Staged, result.Outcome);
        Assert.AreEqual(3, result.ElementsRead);
        Assert.AreEqual("2.0.0", result.Staged!.ConnectorVersion);
        Assert.IsFalse(result.Staged.HasChanges);
    }

    [TestMethod]
    public async Task A_file_that_reads_past_the_time_limit_fails_its_task_and_stages_nothing()
    {
        var endless = new ConnectorRegistry([new EndlessConnector()]);
        var iModel = Guid.NewGuid();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await Synchronizer(endless, new Runs.RunOptions { FileReadTimeout = TimeSpan.FromSeconds(1) })
            .SynchronizeAsync(Csv(iModel, "run-1", "file-a", Pumps), CancellationToken.None);
        Assert.AreEqual(FileOutcome.Failed, result.Outcome);
        Assert.AreEqual("SourceFileTimedOut", result.Error!.Code);
        StringAssert.Contains(result.Error.Description, "Runs:FileReadTimeout");
        Assert.IsNull(result.Unreadable, "a timeout is not remembered: the next run tries again");
        Assert.IsLessThan(30, clock.Elapsed.TotalSeconds);
        Assert.IsFalse(await ExistsAsync(BlobNames.Staged(iModel, "run-1", "file-a")), "nothing is left staged");

        // The caller's own cancellation stays a cancellation, not a task error.
        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Synchronizer(endless).SynchronizeAsync(Csv(iModel, "run-2", "file-a", Pumps), cancelled.Token));
    }

    [TestMethod]
    public async Task Removing_a_source_file_deletes_its_elements_only()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Pumps), Csv(iModel, "run-1", "file-b", "Key,V\nK1,1\n", "other.csv"));
        var removal = await Synchronizer().StageRemovalAsync(iModel, "run-2", "file-a", CancellationToken.None);
        var commit = await Pusher().PushAsync(new PushRequest(iModel, "run-2", "c", [removal.Staged!]), CancellationToken.None);
        Assert.AreEqual((0, 0, 3), (commit.Changeset!.Inserted, commit.Changeset.Updated, commit.Changeset.Deleted));
        var index = NewIndex();
        Assert.AreEqual(0, (await index.ListAsync(iModel, null, "file-a", 10, 0, CancellationToken.None)).Total);
        Assert.AreEqual(1, (await index.ListAsync(iModel, null, "file-b", 10, 0, CancellationToken.None)).Total);

        // Re-adding it later inserts everything again.
        var (_, readded) = await RunAsync(iModel, "run-3", Csv(iModel, "run-3", "file-a", Pumps));
        Assert.AreEqual(3, readded.Changeset!.Inserted);
    }

    [TestMethod]
    public async Task Pushing_the_same_run_twice_appends_one_changeset()
    {
        var iModel = Guid.NewGuid();
        var staged = (await Synchronizer().SynchronizeAsync(Csv(iModel, "run-1", "file-a", Pumps), CancellationToken.None)).Staged!;
        var request = new PushRequest(iModel, "run-1", "c", [staged]);
        var first = await Pusher().PushAsync(request, CancellationToken.None);
        var second = await Pusher().PushAsync(request, CancellationToken.None);
        Assert.AreEqual(first.Changeset!.Id, second.Changeset!.Id);
        Assert.AreEqual(1, (await Log.GetTipAsync(iModel, CancellationToken.None)).Index);
    }

    [TestMethod]
    public async Task Concurrent_pushes_to_one_iModel_stay_one_linear_chain()
    {
        var iModel = Guid.NewGuid();
        var synchronizer = Synchronizer();
        var staged = new List<StagedFile>();
        for (int i = 0; i < 6; i++)
        {
            staged.Add((await synchronizer.SynchronizeAsync(Csv(iModel, $"run-{i}", $"file-{i}", $"Id,V\n{i},{i}\n"), CancellationToken.None)).Staged!);
        }

        // Six runs (as from six connections) push at once; each must land exactly once, in some order.
        var commits = await Task.WhenAll(staged.Select((s, i) => Pusher().PushAsync(new PushRequest(iModel, $"run-{i}", $"c-{i}", [s]), CancellationToken.None)));
        CollectionAssert.AreEquivalent(Enumerable.Range(1, 6).ToArray(), commits.Select(c => c.Changeset!.Index).ToArray());
        var chain = await Log.ListAsync(iModel, 0, 100, CancellationToken.None);
        Assert.AreEqual(6, chain.Count);
        for (int i = 0; i < chain.Count; i++)
        {
            Assert.AreEqual(i + 1, chain[i].Index);
            Assert.AreEqual(i == 0 ? null : chain[i - 1].Id, chain[i].ParentId);
        }

        Assert.AreEqual(6, (await NewIndex().ListAsync(iModel, null, null, 100, 0, CancellationToken.None)).Total);
    }

    [TestMethod]
    public async Task A_staged_file_whose_baseline_moved_on_is_refused()
    {
        var iModel = Guid.NewGuid();
        var stale = (await Synchronizer().SynchronizeAsync(Csv(iModel, "run-1", "file-a", Pumps), CancellationToken.None)).Staged!;
        await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", "Tag,V\nX,1\n"));
        var e = await Assert.ThrowsExactlyAsync<StaleBaselineException>(() => Pusher().PushAsync(new PushRequest(iModel, "run-1", "c", [stale]), CancellationToken.None));
        Assert.AreEqual("file-a", e.SourceFileId);
    }

    [TestMethod]
    public async Task Duplicate_identifiers_keep_the_first_row_and_warn()
    {
        var iModel = Guid.NewGuid();
        var (files, commit) = await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", "Id,V\n1,a\n1,b\n2,c\n"));
        Assert.AreEqual(2, commit.Changeset!.Inserted);
        Assert.IsTrue(files[0].Warnings.Any(w => w.Contains("more than once", StringComparison.Ordinal)));
    }

    /// <summary>The spreadsheet connector under another version number.</summary>
    private sealed class VersionedConnector(string version) : IConnector
    {
        private readonly SpreadsheetConnector _inner = new();

        public string ConnectorType => _inner.ConnectorType;

        public IReadOnlyList<string> Extensions => _inner.Extensions;

        public string Version => version;

        public string SchemaAlias => _inner.SchemaAlias;

        public IReadOnlyList<string> SettingNames => _inner.SettingNames;

        public IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, CancellationToken cancellationToken) =>
            _inner.ReadAsync(content, context, cancellationToken);
    }

    /// <summary>A spreadsheet connector that never reaches the end of its file (it honours cancellation, as ours do).</summary>
    private sealed class EndlessConnector : IConnector
    {
        public string ConnectorType => "PSEXCEL";

        public IReadOnlyList<string> Extensions { get; } = ["csv"];

        public string Version => "1.0.0";

        public string SchemaAlias => "PSEXCEL";

        public IReadOnlyList<string> SettingNames { get; } = [];

        public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (long i = 0; ; i++)
            {
                await Task.Delay(10, cancellationToken);
                yield return new SourceElement($"row:{i}", "PSEXCEL:endless", []);
            }
        }
    }

    private static async Task<bool> ExistsAsync(string blob) => await Blobs.GetSizeAsync(blob, CancellationToken.None) is not null;
}
