using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sync.Benchmarks;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Stores;

// Usage: Sync.Bench <rows> [<rows> ...]    (each size runs in a child process so its peak memory is its own)
//        Sync.Bench --one <rows>           (one size; prints one markdown table row)
//        Sync.Bench --index <rows>         (first element query on a fresh host: full replay vs from a checkpoint)
// Storage: SYNC_BENCH_STORAGE (connection string), default UseDevelopmentStorage=true.
if (args.Length == 2 && args[0] == "--index")
{
    await IndexBenchmark.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length == 2 && args[0] == "--one")
{
    await SyncBenchmark.RunOneAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
    return 0;
}

int[] sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100_000, 1_000_000];
Console.WriteLine("| rows | file MB | parse only s (median of 10) | first sync s (median of 5) | first / parse (median of pairs) | cold first sync s | no-change sync ms | no-change / first | 1% change s (median of 5) | 1% change / parse (median of pairs) | 1% changeset (ins/upd/del) | changeset MB (first) | peak RSS MB |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
foreach (int rows in sizes)
{
    var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["--one", rows.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
    Console.Write(await child.StandardOutput.ReadToEndAsync());
    await child.WaitForExitAsync();
    if (child.ExitCode != 0)
    {
        return child.ExitCode;
    }
}

return 0;

internal static class SyncBenchmark
{
    public static async Task RunOneAsync(int rows)
    {
        await using var engine = await BenchEngine.CreateAsync("bench");
        var synchronizer = engine.Synchronizer;
        var pusher = engine.Pusher;

        string dir = Directory.CreateTempSubdirectory("sync-bench").FullName;
        try
        {
            string original = Path.Combine(dir, "assets.csv");
            string edited = Path.Combine(dir, "assets-1pct.csv");
            WriteRegister(original, rows, changeEvery: 0);
            int changedRows = WriteRegister(edited, rows, changeEvery: 100);
            double fileMb = new FileInfo(original).Length / 1e6;

            // Warm-up syncs on a smaller file so JIT and tiering are not counted in the measured phases.
            string small = WriteSmall(dir);
            for (int i = 0; i < 3; i++)
            {
                // Twice into one iModel: the second is a no-change sync, so that path is warm too.
                var warm = Guid.NewGuid();
                await SyncAsync(synchronizer, pusher, warm, $"warm-{i}", small);
                await SyncAsync(synchronizer, pusher, warm, $"warm-{i}-again", small);
            }

            // Parse only, first syncs and 1 % changes are each the median of several: one run of any of them swings by
            // 10-20 % on these machines, and the machine's speed drifts over a minute. So every measured sync comes right
            // after a parse of the same file, and its ratio to the parse is the median of these pairs' ratios: both sides
            // of each pair meet the same conditions.
            var parses = new List<double>();
            var firstRatios = new List<double>();
            var changeRatios = new List<double>();

            // Each first sync goes into a new iModel. The first few are not measured, as with the changes below: the
            // process's first large syncs still run the loops in code the runtime is compiling to its final tier (its
            // CPU falls from ~10 s to ~4.5 s over the first four here), which a host that has run for a while has done.
            // The first of all is reported on its own as the cold figure.
            var firsts = new List<double>();
            var iModel = Guid.NewGuid();
            RunCommit? firstCommit = null;
            double coldFirst = 0;
            for (int i = 0; i < WarmFirstSyncs + FirstSyncs; i++)
            {
                iModel = Guid.NewGuid();
                double parsedBefore = await ParseAsync(original, rows);
                var first = Stopwatch.StartNew();
                firstCommit = await SyncAsync(synchronizer, pusher, iModel, i < WarmFirstSyncs ? $"warm-first-{i}" : "run-1", original);
                if (i == 0)
                {
                    coldFirst = first.Elapsed.TotalSeconds;
                }

                if (i >= WarmFirstSyncs)
                {
                    firsts.Add(first.Elapsed.TotalSeconds);
                    parses.Add(parsedBefore);
                    firstRatios.Add(first.Elapsed.TotalSeconds / parsedBefore);
                }

                Check(firstCommit.Changeset?.Inserted == rows, "first sync inserts every row");
            }

            var noChange = Stopwatch.StartNew();
            var (noChangeResult, noChangeCommit) = await SyncOnceAsync(synchronizer, pusher, iModel, "run-2", original);
            noChange.Stop();
            Check(noChangeResult.Outcome == FileOutcome.Skipped && noChangeCommit.Changeset is null, "no-change sync skips and pushes nothing");

            // Each change moves the changed rows there or back: 1 % of the rows updated every time. The first few are
            // not measured: the runtime is still compiling the change path to its final tier then (JIT counters show
            // hundreds of methods a second through the first changes), which a host that has run for a while is not.
            var changes = new List<double>();
            ChangesetRecord? cs = null;
            for (int i = 0; i < WarmChanges + Changes; i++)
            {
                double parsed = await ParseAsync(original, rows);
                var change = Stopwatch.StartNew();
                var changeCommit = await SyncAsync(synchronizer, pusher, iModel, $"run-{i + 3}", i % 2 == 0 ? edited : original);
                if (i >= WarmChanges)
                {
                    parses.Add(parsed);
                    changes.Add(change.Elapsed.TotalSeconds);
                    changeRatios.Add(change.Elapsed.TotalSeconds / parsed);
                }

                cs = changeCommit.Changeset!;
                Check(cs.Inserted == 0 && cs.Updated == changedRows && cs.Deleted == 0, $"1% changeset holds exactly the {changedRows} changed rows");
            }

            double parse = Samples.Median(parses), firstSync = Samples.Median(firsts), changed = Samples.Median(changes);
            double firstRatio = Samples.Median(firstRatios), changeRatio = Samples.Median(changeRatios);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first / parse by pair: {string.Join(" ", firstRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; 1% change / parse by pair: {string.Join(" ", changeRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rows:N0} | {fileMb:F1} | {parse:F2} | {firstSync:F2} | {firstRatio:F2} | {coldFirst:F2} | {noChange.Elapsed.TotalMilliseconds:F0} | {noChange.Elapsed.TotalSeconds / firstSync:P2} | {changed:F2} | {changeRatio:F2} | {cs!.Inserted}/{cs.Updated}/{cs.Deleted} | {firstCommit!.Changeset!.FileSize / 1e6:F1} | {PeakMemory.Megabytes():F0} |"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const int WarmFirstSyncs = 3;
    private const int FirstSyncs = 5;
    private const int WarmChanges = 4;
    private const int Changes = 5;

    /// <summary>Parse only: the connector's elements, nothing else.</summary>
    private static async Task<double> ParseAsync(string path, int rows)
    {
        var clock = Stopwatch.StartNew();
        long parsed = 0;
        await using (var stream = File.OpenRead(path))
        {
            await foreach (var _ in ConnectorRegistry.Default.Resolve("PSEXCEL", "assets.csv").ReadAsync(stream, new SourceContext("assets.csv"), CancellationToken.None))
            {
                parsed++;
            }
        }

        Check(parsed == rows, $"parsed {parsed} of {rows} rows");
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<RunCommit> SyncAsync(FileSynchronizer synchronizer, ChangesetPusher pusher, Guid iModel, string runId, string path) =>
        (await SyncOnceAsync(synchronizer, pusher, iModel, runId, path)).Commit;

    private static async Task<(FileSyncResult Result, RunCommit Commit)> SyncOnceAsync(FileSynchronizer synchronizer, ChangesetPusher pusher, Guid iModel, string runId, string path)
    {
        // The marker is what storage reports for a file version (its content hash); computing it is not part of a sync.
        string marker = Marker(path);
        var request = new FileSyncRequest(iModel, runId, "source-1", "assets.csv", "PSEXCEL", marker, _ => Task.FromResult<Stream>(File.OpenRead(path)));
        using var self = Process.GetCurrentProcess();
        TimeSpan cpuBefore = self.TotalProcessorTime, storageBefore = Storage?.TotalProcessorTime ?? TimeSpan.Zero, pauseBefore = GC.GetTotalPauseDuration();
        int gen2Before = GC.CollectionCount(2), gen0Before = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        var result = await synchronizer.SynchronizeAsync(request, CancellationToken.None);
        Check(result.Outcome != FileOutcome.Failed, result.Error?.Description ?? string.Empty);
        var staged = clock.Elapsed;
        var commit = await pusher.PushAsync(new PushRequest(iModel, runId, "bench", result.Staged is null ? [] : [result.Staged]), CancellationToken.None);
        self.Refresh();
        Storage?.Refresh();
        string storageCpu = Storage is null ? "?" : $"{(Storage.TotalProcessorTime - storageBefore).TotalMilliseconds:F0}";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {runId}: stage {staged.TotalMilliseconds:F0} ms, push {(clock.Elapsed - staged).TotalMilliseconds:F0} ms; CPU: this process {(self.TotalProcessorTime - cpuBefore).TotalMilliseconds:F0} ms, Azurite {storageCpu} ms; GC pauses {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F0} ms, gen0 {GC.CollectionCount(0) - gen0Before}, gen2 {GC.CollectionCount(2) - gen2Before}; peak RSS so far {PeakMemory.Megabytes():F0} MB"));
        return (result, commit);
    }

    private static readonly Dictionary<string, string> Markers = [];

    /// <summary>Azurite, whose CPU each sync line reports beside this process's (on Azure, storage is not on these cores).</summary>
    private static readonly Process? Storage = AzuriteProcess.Find();

    private static string Marker(string path)
    {
        if (!Markers.TryGetValue(path, out string? marker))
        {
            using var stream = File.OpenRead(path);
            Markers[path] = marker = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return marker;
    }

    /// <summary>An asset register; with <paramref name="changeEvery"/> > 0 every n-th row has a different flow. Returns the rows changed.</summary>
    private static int WriteRegister(string path, int rows, int changeEvery)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("Tag,Name,Type,Area,Flow,Pressure,Running,Installed\n");
        string[] types = ["Pump", "Valve", "Motor", "Tank", "Sensor"];
        int changed = 0;
        for (int i = 0; i < rows; i++)
        {
            double flow = (i % 997) * 0.25;
            if (changeEvery > 0 && i % changeEvery == 0)
            {
                flow += 1000;
                changed++;
            }

            writer.Write(string.Create(CultureInfo.InvariantCulture, $"A-{i:D7},Asset {i},{types[i % types.Length]},Area {i % 40},{flow},{(i % 89) * 1.5},{(i % 3 == 0 ? "true" : "false")},{1990 + (i % 35)}\n"));
        }

        return changed;
    }

    private static string WriteSmall(string dir)
    {
        string path = Path.Combine(dir, "warm.csv");
        WriteRegister(path, 20_000, 0);
        return path;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Benchmark check failed: " + what);
        }
    }
}
