using System.Diagnostics;
using System.Globalization;
using Sync.Benchmarks;
using Sync.Engine.Changes;
using Sync.Engine.Index;

/// <summary>
/// The first element query of a fresh host (empty cache folder) on an iModel of <c>rows</c> elements: replaying every
/// changeset (and publishing the checkpoint, as the first host does), then another fresh host starting from that
/// checkpoint, then one with the checkpoint gone (replay only). Then deep element pages on that host: the last page
/// asked for first, and a client's walk through every page by next links; the same for the first changeset's changed elements.
/// </summary>
internal static class IndexBenchmark
{
    public static async Task RunAsync(int rows)
    {
        await using var engine = await BenchEngine.CreateAsync("ibench");
        string dir = Directory.CreateTempSubdirectory("sync-index-bench").FullName;
        try
        {
            string csv = Path.Combine(dir, "assets.csv");
            await using (var writer = new StreamWriter(csv))
            {
                await writer.WriteLineAsync("Tag,Name,Flow,Area");
                for (int i = 0; i < rows; i++)
                {
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"A-{i},Asset {i},{i % 97}.5,Zone {i % 13}"));
                }
            }

            var iModel = Guid.NewGuid();
            var request = new FileSyncRequest(iModel, "run-1", "source-1", "assets.csv", "PSEXCEL", "v1", _ => Task.FromResult<Stream>(File.OpenRead(csv)));
            var staged = await engine.Synchronizer.SynchronizeAsync(request, CancellationToken.None);
            await engine.Pusher.PushAsync(new PushRequest(iModel, "run-1", "bench", [staged.Staged!]), CancellationToken.None);

            var replayAndPublish = await FirstQueryAsync(new ElementIndex(engine.Blobs, engine.Log, Path.Combine(dir, "host-1")), iModel, rows);
            long checkpointBytes = await engine.Blobs.GetSizeAsync(BlobNames.IndexCheckpoint(iModel), CancellationToken.None) ?? 0;
            var fromCheckpoint = await FirstQueryAsync(new ElementIndex(engine.Blobs, engine.Log, Path.Combine(dir, "host-2")), iModel, rows);
            await engine.Blobs.DeleteIfExistsAsync(BlobNames.IndexCheckpoint(iModel), CancellationToken.None);
            var replayOnly = await FirstQueryAsync(new ElementIndex(engine.Blobs, engine.Log, Path.Combine(dir, "host-3"), checkpointOperations: long.MaxValue), iModel, rows);

            // Deep pages on the host that replayed: one asked for straight away (counted out from the start), then a
            // client's walk through every page of 1,000 by next links.
            var host = new ElementIndex(engine.Blobs, engine.Log, Path.Combine(dir, "host-3"), checkpointOperations: long.MaxValue);
            var jump = Stopwatch.StartNew();
            await host.ListAsync(iModel, null, null, WalkPage, rows - WalkPage, CancellationToken.None);
            jump.Stop();
            var (walk, lastPage) = await WalkAsync(host, iModel, rows);
            var changesJump = Stopwatch.StartNew();
            await host.GetChangedElementsAsync(iModel, 1, 1, rows - WalkPage, WalkPage, CancellationToken.None);
            changesJump.Stop();
            var (changesWalk, lastChangesPage) = await WalkChangesAsync(host, iModel, rows);

            Console.WriteLine("| elements | fresh host, replay only s | first host: replay + publish checkpoint s | checkpoint MB (gzip) | fresh host from the checkpoint s | last page of 1,000 asked first ms | walk of every page of 1,000 by next links s | its last page ms | changedElements: last page asked first ms | changedElements walk s | its last page ms |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rows:N0} | {replayOnly.TotalSeconds:F2} | {replayAndPublish.TotalSeconds:F2} | {checkpointBytes / 1e6:F1} | {fromCheckpoint.TotalSeconds:F2} | {jump.Elapsed.TotalMilliseconds:F0} | {walk.TotalSeconds:F2} | {lastPage.TotalMilliseconds:F1} | {changesJump.Elapsed.TotalMilliseconds:F0} | {changesWalk.TotalSeconds:F2} | {lastChangesPage.TotalMilliseconds:F1} |"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const int WalkPage = 1000;

    private static async Task<(TimeSpan Walk, TimeSpan LastPage)> WalkAsync(ElementIndex index, Guid iModel, int rows)
    {
        var walk = Stopwatch.StartNew();
        var page = TimeSpan.Zero;
        long seen = 0;
        for (int skip = 0; skip < rows; skip += WalkPage)
        {
            var clock = Stopwatch.StartNew();
            var (elements, _) = await index.ListAsync(iModel, null, null, WalkPage, skip, CancellationToken.None);
            page = clock.Elapsed;
            seen += elements.Count;
        }

        if (seen != rows)
        {
            throw new InvalidOperationException($"the walk saw {seen} elements, not {rows}");
        }

        return (walk.Elapsed, page);
    }

    private static async Task<(TimeSpan Walk, TimeSpan LastPage)> WalkChangesAsync(ElementIndex index, Guid iModel, int rows)
    {
        var walk = Stopwatch.StartNew();
        var page = TimeSpan.Zero;
        long seen = 0;
        bool more = true;
        for (int skip = 0; more; skip += WalkPage)
        {
            var clock = Stopwatch.StartNew();
            (var changes, more) = await index.GetChangedElementsAsync(iModel, 1, 1, skip, WalkPage, CancellationToken.None);
            page = clock.Elapsed;
            seen += changes.Count;
        }

        if (seen != rows)
        {
            throw new InvalidOperationException($"the walk saw {seen} changed elements, not {rows}");
        }

        return (walk.Elapsed, page);
    }

    private static async Task<TimeSpan> FirstQueryAsync(ElementIndex index, Guid iModel, int rows)
    {
        var clock = Stopwatch.StartNew();
        var (page, total) = await index.ListAsync(iModel, null, null, 10, 0, CancellationToken.None);
        clock.Stop();
        if (total != rows || page.Count != 10)
        {
            throw new InvalidOperationException($"the index holds {total} elements, not {rows}");
        }

        return clock.Elapsed;
    }
}
