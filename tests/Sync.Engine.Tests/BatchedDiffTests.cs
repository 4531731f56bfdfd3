using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Elements;
using Sync.Engine.Stores;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

/// <summary>
/// Files of many batches: batches are prepared in parallel (ids, links, checksums, insert lines) and applied in file
/// order, so what a changeset holds must not depend on which batch finished first.
/// </summary>
[TestClass]
public sealed class BatchedDiffTests
{
    private const int Count = 1500;

    [TestMethod]
    public async Task A_file_of_many_batches_is_diffed_in_file_order_with_links_duplicates_and_warnings_as_in_one_pass()
    {
        var iModel = Guid.NewGuid();
        var first = Elements(version: 1).ToList();
        var (result, changeset) = await SyncAsync(iModel, "run-1", first);

        // Two repeated identifiers (one far from its first, one next to it) are left out.
        Assert.AreEqual((Count, 0, 0), (changeset.Inserted, changeset.Updated, changeset.Deleted));
        Assert.AreEqual(2, result.Warnings.Count(w => w.Contains("more than once", StringComparison.Ordinal)));
        Assert.IsTrue(result.Warnings.Any(w => w.StartsWith("15 relationship(s) point to identifiers this file does not have", StringComparison.Ordinal)), string.Join("\n", result.Warnings));

        var lines = (await ChangesetLinesAsync(changeset)).Where(l => l.GetProperty("op").GetString() != "schema").ToList();
        var kept = first.DistinctBy(e => e.Identifier).ToList();
        CollectionAssert.AreEqual(kept.Select(e => ElementId.Format(Id(iModel, e.Identifier))).ToList(), lines.Select(l => l.GetProperty("id").GetString()).ToList(), "file order");
        Assert.IsTrue(lines.All(l => l.GetProperty("op").GetString() == "insert"));

        // Every line carries the checksum and JSON a single pass over the element gives.
        var canonical = new CanonicalElement();
        for (int i = 0; i < kept.Count; i++)
        {
            var element = kept[i];
            long parent = element.ParentIdentifier is null ? 0 : Id(iModel, element.ParentIdentifier);
            var relationships = (element.Relationships ?? []).Select(r => new ResolvedRelationship(r.Type, Id(iModel, r.TargetIdentifier))).ToList();
            relationships.Sort(ResolvedRelationship.Compare);
            var checksum = canonical.Checksum(element, "file-a", parent, relationships);
            canonical.WriteJson(element, "file-a", parent, relationships);
            Assert.AreEqual(checksum.ToString("x32", CultureInfo.InvariantCulture), lines[i].GetProperty("checksum").GetString(), element.Identifier);
            Assert.AreEqual(Encoding.UTF8.GetString(canonical.Json), lines[i].GetProperty("element").GetRawText(), element.Identifier);
        }

        Assert.AreEqual(10L, lines[10].GetProperty("element").GetProperty("properties").GetProperty("n").GetInt64(), "the first of a repeated identifier is kept");

        // The next version: every 97th element edited, one removed, one added at the end.
        var second = Elements(version: 2).ToList();
        var (_, next) = await SyncAsync(iModel, "run-2", second);
        int edited = Enumerable.Range(0, Count).Count(i => i % 97 == 0);
        Assert.AreEqual((1, edited, 1), (next.Inserted, next.Updated, next.Deleted));
        var changes = (await ChangesetLinesAsync(next)).Where(l => l.GetProperty("op").GetString() != "schema").ToList();
        var expected = Enumerable.Range(0, Count).Where(i => i % 97 == 0).Select(i => ("update", Identifier(i)))
            .Append(("insert", "E-NEW")).Append(("delete", Identifier(500)));
        CollectionAssert.AreEqual(
            expected.Select(e => $"{e.Item1} {ElementId.Format(Id(iModel, e.Item2))}").ToList(),
            changes.Select(l => $"{l.GetProperty("op").GetString()} {l.GetProperty("id").GetString()}").ToList());
    }

    [TestMethod]
    public async Task The_schema_merges_every_type_a_property_takes_whatever_class_and_position_it_comes_in()
    {
        // Names are the same string instances element after element (as a table's header gives them), which is what
        // the diff's shortcut for pairs it has merged relies on; classes alternate and properties move between positions.
        var elements = new List<SourceElement>();
        for (int i = 0; i < Count; i++)
        {
            object flow = i % 2 == 0 ? (object)(long)i : i + 0.5;
            KeyValuePair<string, object>[] properties = i < Count / 2
                ? [new("flow", flow), new("level", 3L), new("tag", "t")]
                : [new("level", i == Count - 1 ? true : 3L), new("tag", "t")];
            elements.Add(new SourceElement(Identifier(i), i % 300 < 150 ? "TEST:A" : "TEST:B", properties));
        }

        // The same names, positions and types as the element before, but another class: merged all the same.
        elements.Add(new SourceElement("E-LAST", "TEST:C", [new("level", true), new("tag", "t")]));
        var (result, _) = await SyncAsync(Guid.NewGuid(), "run-1", elements);

        var schema = result.Staged!.Schema;
        Assert.AreEqual("flow=double level=long tag=string", Describe(schema["TEST:A"]));
        Assert.AreEqual("flow=double level=string tag=string", Describe(schema["TEST:B"]), "B's last element holds a boolean level");
        Assert.AreEqual("level=boolean tag=string", Describe(schema["TEST:C"]));
        Assert.AreEqual(3, schema.Count);

        static string Describe(IReadOnlyDictionary<string, string> properties) =>
            string.Join(" ", properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>
    /// Elements E-0000…: the first half point forward at a parent in a later batch, every 100th has a link to an
    /// identifier the file does not have and one to E-0001; version 2 edits every 97th, drops E-0500, adds E-NEW.
    /// </summary>
    private static IEnumerable<SourceElement> Elements(int version)
    {
        for (int i = 0; i < Count; i++)
        {
            if (version == 2 && i == 500)
            {
                continue;
            }

            long n = version == 2 && i % 97 == 0 ? i + 100_000 : i;
            string? parent = i < Count / 2 ? Identifier(Count - 1 - i) : null;
            SourceRelationship[]? links = i % 100 == 0 ? [new("type", Identifier(1)), new("references", $"MISSING-{i}")] : null;
            yield return new SourceElement(Identifier(i), "TEST:Thing", [new("n", n), new("name", $"thing {i}")], $"Thing {i}", parent, Relationships: links);
            if (i == 600)
            {
                yield return new SourceElement(Identifier(10), "TEST:Thing", [new("n", -1L)]);
            }

            if (i == 1200)
            {
                yield return new SourceElement(Identifier(1200), "TEST:Thing", [new("n", -2L)]);
            }
        }

        if (version == 2)
        {
            yield return new SourceElement("E-NEW", "TEST:Thing", [new("n", 1L)]);
        }
    }

    private static string Identifier(int i) => $"E-{i:D4}";

    private static long Id(Guid iModel, string identifier) => ElementId.For(iModel, "file-a", identifier);

    private static async Task<(FileSyncResult Result, ChangesetRecord Changeset)> SyncAsync(Guid iModel, string runId, List<SourceElement> elements)
    {
        var registry = new ConnectorRegistry([new ListConnector(elements)]);
        var request = Request(iModel, runId, "file-a", "things.csv", Encoding.UTF8.GetBytes(runId));
        var result = await Synchronizer(registry).SynchronizeAsync(request, CancellationToken.None);
        Assert.AreEqual(FileOutcome.Staged, result.Outcome, result.Error?.Description);
        var commit = await Pusher().PushAsync(new PushRequest(iModel, runId, "connection-1", [result.Staged!]), CancellationToken.None);
        return (result, commit.Changeset!);
    }

    /// <summary>A connector whose file holds the given elements, whatever its bytes.</summary>
    private sealed class ListConnector(IReadOnlyList<SourceElement> elements) : IConnector
    {
        public string ConnectorType => "PSEXCEL";

        public IReadOnlyList<string> Extensions { get; } = ["csv"];

        public string Version => "1.0.0";

        public string SchemaAlias => "PSEXCEL";

        public IReadOnlyList<string> SettingNames { get; } = [];

        public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var element in elements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return element;
            }

            await Task.CompletedTask;
        }
    }
}
