using System.Globalization;
using System.Text;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Elements;
using Sync.Engine.Index;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

/// <summary>
/// Applying every changeset in order to an empty iModel reproduces the current element state exactly, after a
/// long random sequence of edits: rows inserted, updated, deleted and reordered, columns renamed, a file emptied,
/// removed and re-added.
/// </summary>
[TestClass]
public sealed class ReplayInvariantTests
{
    [TestMethod]
    [DataRow(20261127)]
    [DataRow(7)]
    public async Task Replaying_all_changesets_reproduces_the_current_state(int seed)
    {
        var random = new Random(seed);
        var iModel = Guid.NewGuid();
        var files = new Dictionary<string, Table?> { ["file-a"] = Table.Create(random, 30), ["file-b"] = Table.Create(random, 20) };
        var live = NewIndex();
        for (int step = 0; step < 40; step++)
        {
            string runId = $"run-{step}";
            string fileId = random.Next(2) == 0 ? "file-a" : "file-b";
            string edit = Mutate(random, files, fileId);
            var staged = new List<StagedFile>();
            foreach (var (id, table) in files)
            {
                var result = table is null
                    ? await Synchronizer().StageRemovalAsync(iModel, runId, id, CancellationToken.None)
                    : await Synchronizer().SynchronizeAsync(Csv(iModel, runId, id, table.ToCsv(), $"{id}.csv"), CancellationToken.None);
                Assert.AreNotEqual(FileOutcome.Failed, result.Outcome, $"step {step} ({edit}): {result.Error?.Description}");
                if (result.Staged is not null)
                {
                    staged.Add(result.Staged);
                }
            }

            await Pusher().PushAsync(new PushRequest(iModel, runId, "c", staged), CancellationToken.None);
            CollectionAssert.AreEquivalent(await ExpectedAsync(iModel, files), await ActualAsync(live, iModel), $"seed {seed}, step {step} ({edit})");
        }

        var tip = await Log.GetTipAsync(iModel, CancellationToken.None);
        Assert.IsGreaterThan(10, tip.Index, "most steps changed something");
        CollectionAssert.AreEquivalent(await ExpectedAsync(iModel, files), await ActualAsync(NewIndex(), iModel), "a fresh replay of every changeset");
    }

    private static string Mutate(Random random, Dictionary<string, Table?> files, string fileId)
    {
        var table = files[fileId];
        if (table is null)
        {
            files[fileId] = Table.Create(random, random.Next(1, 15));
            return "re-add file";
        }

        switch (random.Next(10))
        {
            case 0:
                files[fileId] = null;
                return "remove file";
            case 1:
                table.Rows.Clear();
                return "empty file";
            case 2:
                table.Rows.Reverse();
                return "reorder rows";
            case 3:
                table.RenameColumn(random);
                return "rename column";
            case 4 or 5:
                for (int i = random.Next(1, 4); i > 0; i--)
                {
                    table.AddRow(random);
                }

                return "insert rows";
            case 6 or 7:
                if (table.Rows.Count > 0)
                {
                    table.Rows.RemoveAt(random.Next(table.Rows.Count));
                }

                return "delete row";
            default:
                table.EditCell(random);
                return "update cell";
        }
    }

    private static async Task<List<string>> ExpectedAsync(Guid iModel, Dictionary<string, Table?> files)
    {
        var expected = new List<string>();
        var canonical = new CanonicalElement();
        foreach (var (id, table) in files.Where(f => f.Value is not null))
        {
            var context = new SourceContext($"{id}.csv");
            await foreach (var element in ConnectorRegistry.Default.Resolve("PSEXCEL", context.FileName).ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(table!.ToCsv())), context, CancellationToken.None))
            {
                canonical.WriteJson(element, id, 0);
                expected.Add($"{ElementId.Format(ElementId.For(iModel, id, element.Identifier))} {Encoding.UTF8.GetString(canonical.Json)}");
            }
        }

        return expected;
    }

    private static async Task<List<string>> ActualAsync(ElementIndex index, Guid iModel)
    {
        var (page, _) = await index.ListAsync(iModel, null, null, 10_000, 0, CancellationToken.None);
        return page.Select(e => $"{ElementId.Format(e.Id)} {e.Json}").ToList();
    }

    /// <summary>An asset register whose first column is a unique key.</summary>
    private sealed class Table
    {
        private int _nextKey;

        public List<string> Columns { get; } = ["Id", "Name", "Flow", "Size"];

        public List<Dictionary<string, string>> Rows { get; } = [];

        public static Table Create(Random random, int rows)
        {
            var table = new Table();
            for (int i = 0; i < rows; i++)
            {
                table.AddRow(random);
            }

            return table;
        }

        public void AddRow(Random random)
        {
            var row = new Dictionary<string, string> { [Columns[0]] = $"K{_nextKey++}" };
            foreach (string column in Columns.Skip(1))
            {
                row[column] = Value(random);
            }

            Rows.Insert(random.Next(Rows.Count + 1), row);
        }

        public void EditCell(Random random)
        {
            if (Rows.Count > 0)
            {
                Rows[random.Next(Rows.Count)][Columns[random.Next(1, Columns.Count)]] = Value(random);
            }
        }

        public void RenameColumn(Random random)
        {
            int at = random.Next(1, Columns.Count);
            string old = Columns[at];
            string renamed = $"{old.Split('_')[0]}_{random.Next(1000)}";
            Columns[at] = renamed;
            foreach (var row in Rows)
            {
                row[renamed] = row[old];
                row.Remove(old);
            }
        }

        public string ToCsv()
        {
            var text = new StringBuilder(string.Join(',', Columns)).Append('\n');
            foreach (var row in Rows)
            {
                text.Append(string.Join(',', Columns.Select(c => row.GetValueOrDefault(c, string.Empty)))).Append('\n');
            }

            return text.ToString();
        }

        private static string Value(Random random) => random.Next(4) switch
        {
            0 => random.Next(100).ToString(CultureInfo.InvariantCulture),
            1 => (random.Next(1000) / 10.0).ToString(CultureInfo.InvariantCulture),
            2 => string.Empty,
            _ => $"v{random.Next(50)}",
        };
    }
}
