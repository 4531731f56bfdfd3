using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Dxf;
using Sync.Engine.Connectors.Ifc;
using Sync.Engine.Elements;
using Sync.Tests;
using Sync.Tests.Generators;

namespace Sync.Engine.Tests;

/// <summary>
/// Our readers against maintained independent parsers on the same files (tests/oracles/oracle.mjs runs npm
/// web-ifc and dxf-parser): the same objects and classes, the same attribute values, boxes that agree.
/// </summary>
[TestClass]
public sealed class OracleTests
{
    [TestMethod]
    public async Task FZK_Haus_matches_web_ifc() => await CompareIfcAsync(RealFiles.FzkHaus);

    [TestMethod]
    public async Task Generated_IFC4_matches_web_ifc()
    {
        string path = Path.Combine(Path.GetTempPath(), $"oracle-{Guid.NewGuid():N}.ifc");
        await File.WriteAllTextAsync(path, new IfcFileWriter { Walls = 50, Storeys = 3 }.Write());
        try
        {
            await CompareIfcAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public async Task DXF_drawings_match_dxf_parser()
    {
        string generated = Path.Combine(Path.GetTempPath(), $"oracle-{Guid.NewGuid():N}.dxf");
        await File.WriteAllTextAsync(generated, new DxfFileWriter { Entities = 200 }.Write());
        try
        {
            foreach (string path in RealFiles.Drawings.Append(generated))
            {
                using var oracle = await OracleAsync("dxf", path);
                var (elements, _) = await ReadAsync(new DxfConnector(), path);
                var ours = elements.Where(e => e.ClassName is not ("DWG:Layer" or "DWG:BlockDefinition")).ToList();
                var theirs = oracle.RootElement.GetProperty("entities").EnumerateArray().ToList();
                static string Layer(SourceElement e) => (string)e.Properties.Single(p => p.Key == "Layer").Value;
                if (theirs.All(t => t.GetProperty("handle").ValueKind == JsonValueKind.String))
                {
                    CollectionAssert.AreEquivalent(
                        theirs.Select(t => $"{t.GetProperty("handle").GetString()!.ToUpperInvariant()} {t.GetProperty("type").GetString()} {t.GetProperty("layer").GetString()}").ToArray(),
                        ours.Select(e => $"{e.Identifier} {e.ClassName[4..]} {Layer(e)}").ToArray(), path);
                }
                else
                {
                    // R12 without handles: the same entities by type and layer.
                    CollectionAssert.AreEquivalent(
                        theirs.Select(t => $"{t.GetProperty("type").GetString()} {t.GetProperty("layer").GetString()}").ToArray(),
                        ours.Select(e => $"{e.ClassName[4..]} {Layer(e)}").ToArray(), path);
                }
            }
        }
        finally
        {
            File.Delete(generated);
        }
    }

    private static async Task CompareIfcAsync(string path)
    {
        using var oracle = await OracleAsync("ifc", path);
        var (elements, _) = await ReadAsync(new IfcConnector(), path);
        var ours = elements.Where(e => e.ClassName != "IFC:IfcMaterial").ToDictionary(e => e.Identifier);
        var theirs = oracle.RootElement.EnumerateArray().ToList();
        CollectionAssert.AreEquivalent(
            theirs.Select(t => $"{t.GetProperty("globalId").GetString()} IFC:{t.GetProperty("type").GetString()}").ToArray(),
            ours.Values.Select(e => $"{e.Identifier} {e.ClassName}").ToArray(),
            "the same objects of the same classes");

        int compared = 0;
        var extent = new double[3];
        var low = Enumerable.Repeat(double.MaxValue, 3).ToArray();
        var high = Enumerable.Repeat(double.MinValue, 3).ToArray();
        foreach (var t in theirs.Where(t => t.TryGetProperty("box", out _)))
        {
            for (int a = 0; a < 3; a++)
            {
                low[a] = Math.Min(low[a], t.GetProperty("box").GetProperty("low")[a].GetDouble());
                high[a] = Math.Max(high[a], t.GetProperty("box").GetProperty("high")[a].GetDouble());
            }
        }

        for (int a = 0; a < 3; a++)
        {
            extent[a] = Math.Max(high[a] - low[a], 1e-9);
        }

        int boxes = 0, agreeing = 0;
        foreach (var t in theirs)
        {
            var element = ours[t.GetProperty("globalId").GetString()!];
            var properties = element.Properties.ToDictionary(p => p.Key, p => p.Value);
            foreach (var property in t.GetProperty("properties").EnumerateObject())
            {
                Assert.IsTrue(properties.TryGetValue(property.Name, out object? value), $"{element.Identifier} has {property.Name}");
                if (property.Value.ValueKind == JsonValueKind.Number)
                {
                    Assert.AreEqual(property.Value.GetDouble(), Convert.ToDouble(value, CultureInfo.InvariantCulture), 1e-9, $"{element.Identifier}.{property.Name}");
                }
                else
                {
                    Assert.AreEqual(property.Value.GetString(), Convert.ToString(value, CultureInfo.InvariantCulture), $"{element.Identifier}.{property.Name}");
                }

                compared++;
            }

            if (t.TryGetProperty("box", out var box))
            {
                boxes++;
                if (element.BoundingBox is { } b && Enumerable.Range(0, 3).All(a =>
                    Math.Abs(((box.GetProperty("low")[a].GetDouble() + box.GetProperty("high")[a].GetDouble()) / 2) - Centre(b, a)) <= 0.05 * extent.Max()))
                {
                    agreeing++;
                }
            }
        }

        Assert.IsGreaterThan(0, compared, "some attribute values were compared");
        Assert.IsGreaterThan(0, boxes);
        Assert.IsGreaterThanOrEqualTo(0.9 * boxes, agreeing, $"{agreeing} of {boxes} boxes agree with web-ifc's meshes within 5 % of the model extent");
    }

    private static double Centre(BoundingBox b, int axis) => axis switch
    {
        0 => (b.LowX + b.HighX) / 2,
        1 => (b.LowY + b.HighY) / 2,
        _ => (b.LowZ + b.HighZ) / 2,
    };

    private static async Task<(List<SourceElement>, SourceContext)> ReadAsync(IConnector connector, string path)
    {
        await using var file = File.OpenRead(path);
        return await IfcConnectorTests.ReadAsync(connector, file, Path.GetFileName(path));
    }

    /// <summary>Runs the oracle script with Node; inconclusive when the npm packages are not installed.</summary>
    private static async Task<JsonDocument> OracleAsync(string kind, string path)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "tests", "oracles", "oracle.mjs")))
        {
            root = Path.GetDirectoryName(root) ?? throw new AssertInconclusiveException("Skipped: tests/oracles/oracle.mjs not found above the test binaries.");
        }

        if (!Directory.Exists(Path.Combine(root, "node_modules", "web-ifc")) || !Directory.Exists(Path.Combine(root, "node_modules", "dxf-parser")))
        {
            throw new AssertInconclusiveException("Skipped: the oracles (npm web-ifc, dxf-parser) are not installed; run npm ci (./test.sh does).");
        }

        var start = new ProcessStartInfo("node", ["tests/oracles/oracle.mjs", kind, path])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, process.ExitCode, await errors);
        return JsonDocument.Parse(await output);
    }
}
