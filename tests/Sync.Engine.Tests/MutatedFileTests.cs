using System.Diagnostics;
using System.Text;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Dxf;
using Sync.Engine.Connectors.Geospatial;
using Sync.Engine.Connectors.Ifc;
using Sync.Engine.Connectors.Mesh;
using Sync.Tests.Generators;

namespace Sync.Engine.Tests;

/// <summary>
/// Hostile and broken files: truncated, bit-flipped, bytes deleted or duplicated. Each must end as elements or
/// as a SourceFormatException (a task error with position), never another exception, and within a time bound.
/// SYNC_MUTATIONS sets how many mutants per format (CI: 150; the full 1,000 by hand).
/// </summary>
[TestClass]
public sealed class MutatedFileTests
{
    private static readonly string[] WholeFileRefusals = ["is not an IFC file", "is a binary DXF file", "is a DWG drawing"];

    private static readonly int Mutants = int.TryParse(Environment.GetEnvironmentVariable("SYNC_MUTATIONS"), out int n) ? n : 150;

    [TestMethod]
    public Task Mutated_IFC_files_never_crash_or_hang() =>
        RunAsync(new IfcConnector(), "m.ifc", Encoding.ASCII.GetBytes(new IfcFileWriter { Walls = 12 }.Write()), seed: 1);

    [TestMethod]
    public Task Mutated_DXF_files_never_crash_or_hang() =>
        RunAsync(new DxfConnector(), "m.dxf", Encoding.ASCII.GetBytes(new DxfFileWriter { Entities = 40 }.Write()), seed: 2);

    /// <summary>GIS and mesh files: a refusal names the file (their formats have no lines to point at).</summary>
    [TestMethod]
    [DataRow("m.geojson", 3)]
    [DataRow("m.zip", 4)]
    [DataRow("m.gpkg", 5)]
    [DataRow("m.kml", 6)]
    [DataRow("m.glb", 7)]
    [DataRow("m.obj", 8)]
    [DataRow("m.stl", 9)]
    [DataRow("a.stl", 10)]
    [DataRow("m.3mf", 11)]
    [DataRow("m.stp", 12)]
    public Task Mutated_GIS_and_mesh_files_never_crash_or_hang(string name, int seed)
    {
        var gis = new GisFileWriter { Features = 12 };
        var (connector, content) = name switch
        {
            "m.geojson" => ((IConnector)new GeospatialConnector(), Encoding.UTF8.GetBytes(gis.GeoJson())),
            "m.zip" => (new GeospatialConnector(), gis.ShapefileZip("m")),
            "m.gpkg" => (new GeospatialConnector(), gis.GeoPackage()),
            "m.kml" => (new GeospatialConnector(), Encoding.UTF8.GetBytes(GeospatialConnectorTests.Kml)),
            "m.glb" => (new MeshConnector(), new MeshFileWriter { Nodes = 6 }.Glb()),
            "m.obj" => (new MeshConnector(), Encoding.UTF8.GetBytes(MeshFileWriter.Obj())),
            "m.stl" => (new MeshConnector(), MeshFileWriter.BinaryStl(20)),
            "a.stl" => (new MeshConnector(), Encoding.ASCII.GetBytes(MeshFileWriter.AsciiStl())),
            "m.3mf" => (new MeshConnector(), MeshFileWriter.ThreeMf()),
            _ => (new MeshConnector(), Encoding.ASCII.GetBytes(MeshConnectorTests.Ap214)),
        };
        return RunAsync(connector, name, content, seed, message => message.Contains($"'{name}", StringComparison.Ordinal));
    }

    private static async Task RunAsync(IConnector connector, string name, byte[] original, int seed, Func<string, bool>? explains = null)
    {
        // IFC and DXF errors give a position, or refuse the whole file saying what it is instead.
        explains ??= message => message.Contains(" line ", StringComparison.Ordinal) || WholeFileRefusals.Any(r => message.Contains(r, StringComparison.Ordinal));
        var random = new Random(seed);
        int failures = 0;
        for (int i = 0; i < Mutants; i++)
        {
            byte[] mutant = Mutate(original, random);
            var watch = Stopwatch.StartNew();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await IfcConnectorTests.ReadAsync(connector, new MemoryStream(mutant), name).WaitAsync(timeout.Token);
            }
            catch (SourceFormatException e)
            {
                failures++;
                Assert.IsTrue(explains(e.Message), $"mutant {i}: the error says where: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"mutant {i} of {name} did not finish within 20 s");
            }

            Assert.IsLessThan(20, watch.Elapsed.TotalSeconds);
        }

        Assert.IsGreaterThan(0, failures, "some mutants are refused, so the mutations do reach the parser");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    return bytes.Take(at).ToArray(); // truncated
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8)); // bit flip
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
                case 3:
                    bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(1, 200)).ToList());
                    break;
                case 4:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(3) switch { 0 => "((((((((((", 1 => "#999999", _ => "'" }));
                    break;
                default:
                    bytes[at] = (byte)"();,'#=.$*\n0123"[random.Next(15)];
                    break;
            }
        }

        return [.. bytes];
    }
}
