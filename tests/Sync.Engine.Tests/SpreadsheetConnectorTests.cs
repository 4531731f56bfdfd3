using System.Text;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Spreadsheets;
using Sync.Engine.Elements;
using Sync.Engine.Tests.Support;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class SpreadsheetConnectorTests
{
    private readonly SpreadsheetConnector _connector = new();

    [TestMethod]
    public async Task Csv_rows_become_typed_elements_keyed_by_the_id_column()
    {
        var (elements, context) = await ReadAsync("pump list.csv", "Name,Asset ID,Flow,Running,Rating\nFeed pump,P-101,12.5,true,007\nReturn pump,P-102,8,false,\n");
        Assert.AreEqual(2, elements.Count);
        var first = elements[0];
        Assert.AreEqual("P-101", first.Identifier);
        Assert.AreEqual("PSEXCEL:pump_list", first.ClassName);
        Assert.AreEqual("Feed pump", first.UserLabel);
        var properties = first.Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual(12.5, properties["Flow"]);
        Assert.IsTrue((bool)properties["Running"]);
        Assert.AreEqual("007", properties["Rating"], "a number that would lose its leading zeros stays text");
        Assert.AreEqual(8L, elements[1].Properties.Single(p => p.Key == "Flow").Value);
        Assert.IsFalse(elements[1].Properties.Any(p => p.Key == "Rating"), "empty cells are left out");
        Assert.AreEqual(0, context.Warnings.Count);
    }

    [TestMethod]
    public async Task Quoted_cells_are_read_unquoted_and_unescaped_before_they_are_typed()
    {
        var (elements, _) = await ReadAsync("valves.csv", "Tag,Note,Size,Open\n\"V-1\",\"says \"\"shut\"\", then, on\nnext line\",\"40\",\" true\"\n");
        var element = elements.Single();
        Assert.AreEqual("V-1", element.Identifier);
        var properties = element.Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual("says \"shut\", then, on\nnext line", properties["Note"]);
        Assert.AreEqual(40L, properties["Size"]);
        Assert.AreEqual(true, properties["Open"]);
    }

    [TestMethod]
    public async Task Without_a_key_column_rows_are_numbered_and_a_warning_says_so()
    {
        var (elements, context) = await ReadAsync("list.csv", "Name,Flow\nA,1\nB,2\n");
        CollectionAssert.AreEqual(new[] { "row:1", "row:2" }, elements.Select(e => e.Identifier).ToArray());
        Assert.AreEqual(1, context.Warnings.Count);
        StringAssert.Contains(context.Warnings[0], "row number");
    }

    [TestMethod]
    public async Task A_configured_key_column_wins()
    {
        var (elements, _) = await ReadAsync("list.csv", "Id,Serial\n1,S-9\n2,S-8\n", new Dictionary<string, string> { [SpreadsheetConnector.KeyColumnSetting] = "serial" });
        CollectionAssert.AreEqual(new[] { "S-9", "S-8" }, elements.Select(e => e.Identifier).ToArray());
    }

    [TestMethod]
    public async Task Semicolon_separated_files_are_read_too()
    {
        var (elements, _) = await ReadAsync("list.csv", "Tag;Flow\nT1;3\n");
        Assert.AreEqual("T1", elements.Single().Identifier);
        Assert.AreEqual(3L, elements.Single().Properties.Single(p => p.Key == "Flow").Value);
    }

    [TestMethod]
    public async Task Xlsx_sheets_become_classes_and_identifiers_carry_the_sheet()
    {
        byte[] workbook = Workbooks.Create(
            ("Pumps", [["Tag", "Flow", "Running"], ["P-1", 12.5, true], [null, null, null], ["P-2", 3, false]]),
            ("Valves", [["Key", "Size"], ["V-1", "DN50"]]));
        var context = new SourceContext("plant.xlsx");
        var elements = await ToListAsync(_connector.ReadAsync(new NonSeekableStream(workbook), context, CancellationToken.None));
        CollectionAssert.AreEqual(new[] { "Pumps!P-1", "Pumps!P-2", "Valves!V-1" }, elements.Select(e => e.Identifier).ToArray());
        CollectionAssert.AreEqual(new[] { "PSEXCEL:Pumps", "PSEXCEL:Pumps", "PSEXCEL:Valves" }, elements.Select(e => e.ClassName).ToArray());
        Assert.AreEqual(3L, elements[1].Properties.Single(p => p.Key == "Flow").Value);
        Assert.IsTrue((bool)elements[0].Properties.Single(p => p.Key == "Running").Value);
    }

    [TestMethod]
    public async Task A_corrupt_workbook_is_a_source_format_error()
    {
        var e = await Assert.ThrowsExactlyAsync<SourceFormatException>(async () =>
            await ToListAsync(_connector.ReadAsync(new MemoryStream("not a zip at all"u8.ToArray()), new SourceContext("broken.xlsx"), CancellationToken.None)));
        StringAssert.Contains(e.Message, "broken.xlsx");
    }

    [TestMethod]
    public void The_registry_resolves_by_type_and_extension_and_explains_what_it_cannot_read()
    {
        Assert.IsInstanceOfType<SpreadsheetConnector>(ConnectorRegistry.Default.Resolve("psexcel", "a.XLSX"));
        StringAssert.Contains(Assert.ThrowsExactly<ConnectorNotAvailableException>(() => ConnectorRegistry.Default.Resolve("REVIT", "house.rvt")).Message, "not available");
        StringAssert.Contains(Assert.ThrowsExactly<ConnectorNotAvailableException>(() => ConnectorRegistry.Default.Resolve("PSEXCEL", "old.xls")).Message, ".csv");
    }

    [TestMethod]
    [DataRow("12", 12L)]
    [DataRow("-3", -3L)]
    [DataRow("1.5", 1.5)]
    [DataRow("1e3", 1000.0)]
    [DataRow("TRUE", true)]
    [DataRow("0012", "0012")]
    [DataRow("+5", "+5")]
    [DataRow("12 ", "12 ")]
    [DataRow("NaN", "NaN")]
    [DataRow("-0", -0.0)]
    [DataRow("-9223372036854775808", long.MinValue)]
    [DataRow("9223372036854775808", 9223372036854775808.0)]
    [DataRow(" false\0", false)]
    [DataRow("fa1se", "fa1se")]
    [DataRow("Asset 1", "Asset 1")]
    [DataRow("-", "-")]
    [DataRow("1.", "1.")]
    public void Cells_are_typed_only_when_the_text_round_trips(string text, object expected)
    {
        Assert.AreEqual(expected, SpreadsheetConnector.ParseCell(text));
    }

    private async Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(string name, string csv, IReadOnlyDictionary<string, string>? settings = null)
    {
        var context = new SourceContext(name, settings);
        return (await ToListAsync(_connector.ReadAsync(new NonSeekableStream(Encoding.UTF8.GetBytes(csv)), context, CancellationToken.None)), context);
    }

    private static async Task<List<SourceElement>> ToListAsync(IAsyncEnumerable<SourceElement> elements)
    {
        var list = new List<SourceElement>();
        await foreach (var element in elements)
        {
            list.Add(element);
        }

        return list;
    }
}
