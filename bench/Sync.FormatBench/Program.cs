using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sync.Benchmarks;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Stores;
using Sync.Tests.Generators;

// Usage: Sync.FormatBench <ifc products> <dxf entities>     generates both files and prints the markdown tables
//        Sync.FormatBench --sync-only <ifc products> <dxf entities>  only the sync table (no npm parsers), for tuning
//        Sync.FormatBench --parse <IFC|DWG> <file>           (child) our parse only: "<seconds> <elements> <peak RSS MB>"
//        Sync.FormatBench --sync <IFC|DWG> <file> <edited>   (child) parse-only vs first sync vs changed-file sync
//        Sync.FormatBench --write <dir> <ifc products> <dxf entities>  only writes the files, for profiling
//        Sync.FormatBench --gis [features] [nodes]          GeoJSON, Shapefile, GeoPackage and GLB: parse and changed-file sync
// Storage for --sync: SYNC_BENCH_STORAGE (bench/run.sh --formats starts an Azurite of its own).
if (args is ["--parse", var parseType, var parsePath])
{
    var (seconds, count) = await Bench.ParseAsync(parseType, parsePath);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} {count} {PeakMemory.Megabytes():F0}"));
    return 0;
}

if (args is ["--sync", var syncType, var original, var edited])
{
    await Bench.SyncAsync(syncType, original, edited);
    return 0;
}

if (args is ["--write", var writeDir, var writeProducts, var writeEntities])
{
    Directory.CreateDirectory(writeDir);
    Bench.WriteFiles(writeDir, int.Parse(writeProducts, CultureInfo.InvariantCulture), int.Parse(writeEntities, CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length > 0 && args[0] == "--gis")
{
    int features = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    int nodes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;
    string gisDir = Directory.CreateTempSubdirectory("gis-bench").FullName;
    try
    {
        var layers = new (string Type, string Name, Func<GisFileWriter, byte[]> Write)[]
        {
            ("GEOSPATIAL", "features.geojson", w => Encoding.UTF8.GetBytes(w.GeoJson())),
            ("GEOSPATIAL", "features.zip", w => w.ShapefileZip("features")),
            ("GEOSPATIAL", "features.gpkg", w => w.GeoPackage("features")),
        };
        var files = new List<(string Type, string Path, string Edited)>();
        foreach (var (type, name, write) in layers)
        {
            string path = Path.Combine(gisDir, name), moved = Path.Combine(gisDir, "edited-" + name);
            await File.WriteAllBytesAsync(path, write(new GisFileWriter { Features = features }));
            await File.WriteAllBytesAsync(moved, write(new GisFileWriter { Features = features, MovedFeature = features / 2 }));
            files.Add((type, path, moved));
        }

        string glb = Path.Combine(gisDir, "plant.glb"), glbEdited = Path.Combine(gisDir, "edited-plant.glb");
        await File.WriteAllBytesAsync(glb, new MeshFileWriter { Nodes = nodes }.Glb());
        await File.WriteAllBytesAsync(glbEdited, new MeshFileWriter { Nodes = nodes, MovedNode = nodes / 2 }.Glb());
        files.Add(("MSTN", glb, glbEdited));

        Console.WriteLine("| file | MB | parse s (fresh process, best of 3) | elements | peak RSS MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (type, path, _) in files)
        {
            string[] parsed = await Bench.FastestOfAsync(Environment.ProcessPath!, "--parse", type, path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {Path.GetFileName(path)} | {new FileInfo(path).Length / 1e6:F1} | {parsed[0]} | {parsed[1]} | {parsed[2]} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| file | parse only s (median of 5) | first sync s | changed-file sync s (median of 5) | changed / parse (range) | changeset (ins/upd/del) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var (type, path, moved) in files)
        {
            Console.Write(await Bench.ChildAsync(Environment.ProcessPath!, "--sync", type, path, moved));
        }

        return 0;
    }
    finally
    {
        Directory.Delete(gisDir, recursive: true);
    }
}

bool syncOnly = args.Length > 0 && args[0] == "--sync-only";
string[] sizes = syncOnly ? args[1..] : args;
int products = sizes.Length > 0 ? int.Parse(sizes[0], CultureInfo.InvariantCulture) : 100_000;
int entities = sizes.Length > 1 ? int.Parse(sizes[1], CultureInfo.InvariantCulture) : 1_000_000;
string dir = Directory.CreateTempSubdirectory("format-bench").FullName;
try
{
    var (ifc, ifcEdited, dxf, dxfEdited) = Bench.WriteFiles(dir, products, entities);

    if (!syncOnly)
    {
        Console.WriteLine("| file | MB | ours s | ours elements | ours peak RSS MB | npm parser | npm s | npm objects | npm peak RSS MB | speed ours/npm | memory ours/npm |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
    }

    foreach (var (type, path, npm, label) in syncOnly ? [] : new[] { ("IFC", ifc, "ifc", "web-ifc 0.0.78 open + product lines + flattened property sets"), ("DWG", dxf, "dxf", "dxf-parser 1.1.2 parseSync") })
    {
        string[] ours = await Bench.FastestOfAsync(Environment.ProcessPath!, "--parse", type, path);
        string[] theirs = await Bench.FastestOfAsync("node", "bench/oracles/parse.mjs", npm, path);
        double oursSeconds = double.Parse(ours[0], CultureInfo.InvariantCulture), theirSeconds = double.Parse(theirs[0], CultureInfo.InvariantCulture);
        double oursMb = double.Parse(ours[2], CultureInfo.InvariantCulture), theirMb = double.Parse(theirs[2], CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(path)} | {new FileInfo(path).Length / 1e6:F0} | {oursSeconds:F2} | {ours[1]} | {oursMb:F0} | {label} | {theirSeconds:F2} | {theirs[1]} | {theirMb:F0} | {theirSeconds / oursSeconds:F2}× | {oursMb / theirMb:F2} |"));
    }

    Console.WriteLine();
    Console.WriteLine("| file | parse only s (median of 5) | first sync s | changed-file sync s (median of 5) | changed / parse (range) | changeset (ins/upd/del) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---|");
    Console.Write(await Bench.ChildAsync(Environment.ProcessPath!, "--sync", "IFC", ifc, ifcEdited));
    Console.Write(await Bench.ChildAsync(Environment.ProcessPath!, "--sync", "DWG", dxf, dxfEdited));
    return 0;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

internal static class Bench
{
    public static (string Ifc, string IfcEdited, string Dxf, string DxfEdited) WriteFiles(string dir, int products, int entities)
    {
        string ifc = Path.Combine(dir, "walls.ifc");
        string ifcEdited = Path.Combine(dir, "walls-edited.ifc");
        string dxf = Path.Combine(dir, "plan.dxf");
        string dxfEdited = Path.Combine(dir, "plan-edited.dxf");
        Write(ifc, w => new IfcFileWriter { Walls = products, Storeys = 10 }.Write(w));
        Write(ifcEdited, w => new IfcFileWriter { Walls = products, Storeys = 10, ChangedWall = products / 2 }.Write(w));
        Write(dxf, w => new DxfFileWriter { Entities = entities, Layers = 16 }.Write(w));
        Write(dxfEdited, w => new DxfFileWriter { Entities = entities, Layers = 16, MovedEntity = entities / 2 }.Write(w));
        return (ifc, ifcEdited, dxf, dxfEdited);
    }

    public static void Write(string path, Action<TextWriter> write)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        write(writer);
    }

    public static async Task<(double Seconds, long Count)> ParseAsync(string type, string path)
    {
        var clock = Stopwatch.StartNew();
        long count = 0;
        await using var stream = File.OpenRead(path);
        await foreach (var _ in ConnectorRegistry.Default.Resolve(type, path).ReadAsync(stream, new SourceContext(Path.GetFileName(path)), CancellationToken.None))
        {
            count++;
        }

        return (clock.Elapsed.TotalSeconds, count);
    }

    private const int ChangedSyncs = 5;

    public static async Task SyncAsync(string type, string original, string edited)
    {
        await using var engine = await BenchEngine.CreateAsync("fmt");
        var synchronizer = engine.Synchronizer;
        var pusher = engine.Pusher;
        await ParseAsync(type, original); // warm-up: JIT

        // Warm-up of the sync paths too (a first and a changed sync into an iModel of their own), as the parse is
        // warm: a host that has synchronized a file of this kind before runs them as compiled, tiered code.
        var iModel = Guid.NewGuid();
        await SyncOnceAsync("warm-1", original);
        await SyncOnceAsync("warm-2", edited);
        iModel = Guid.NewGuid();
        var first = Stopwatch.StartNew();
        await SyncOnceAsync("run-1", original);
        first.Stop();

        // Parse and changed sync alternate, five of each, and each side is its median: one run of either swings by
        // 10-20 % on this box. Each changed sync moves the edited element there or back (one update).
        var parses = new List<double>();
        var changes = new List<double>();
        ChangesetRecord? cs = null;
        for (int i = 0; i < ChangedSyncs; i++)
        {
            string path = i % 2 == 0 ? edited : original;
            parses.Add((await ParseAsync(type, path)).Seconds);
            var changed = Stopwatch.StartNew();
            var commit = await SyncOnceAsync($"run-{i + 2}", path);
            changes.Add(changed.Elapsed.TotalSeconds);
            cs ??= commit.Changeset!;
        }

        double parse = Samples.Median(parses), change = Samples.Median(changes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(original)} | {parse:F2} | {first.Elapsed.TotalSeconds:F2} | {change:F2} | {change / parse:F2} ({changes.Min() / parse:F2}–{changes.Max() / parse:F2}) | {cs!.Inserted}/{cs.Updated}/{cs.Deleted} |"));

        async Task<RunCommit> SyncOnceAsync(string runId, string path)
        {
            var request = new FileSyncRequest(iModel, runId, "source-1", Path.GetFileName(original), type, runId, _ => Task.FromResult<Stream>(File.OpenRead(path)));
            var result = await synchronizer.SynchronizeAsync(request, CancellationToken.None);
            if (result.Outcome == FileOutcome.Failed)
            {
                throw new InvalidOperationException(result.Error?.Description);
            }

            return await pusher.PushAsync(new PushRequest(iModel, runId, "bench", result.Staged is null ? [] : [result.Staged]), CancellationToken.None);
        }
    }

    /// <summary>Three runs of a parse in processes of their own; the fastest one's "seconds count peakMB" (these machines are noisy).</summary>
    public static async Task<string[]> FastestOfAsync(string program, params string[] arguments)
    {
        string[]? best = null;
        for (int run = 0; run < 3; run++)
        {
            string[] result = (await ChildAsync(program, arguments)).Split(' ');
            if (best is null || double.Parse(result[0], CultureInfo.InvariantCulture) < double.Parse(best[0], CultureInfo.InvariantCulture))
            {
                best = result;
            }
        }

        return best!;
    }

    public static async Task<string> ChildAsync(string program, params string[] arguments)
    {
        var child = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        string output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return child.ExitCode == 0 ? output.Trim() + (arguments[0] == "--sync" ? "\n" : string.Empty) : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {child.ExitCode}");
    }
}
