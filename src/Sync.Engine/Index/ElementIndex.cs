using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sync.Engine.Caching;
using Sync.Engine.Changes;
using Sync.Engine.Elements;
using Sync.Engine.Stores;

namespace Sync.Engine.Index;

public sealed record IndexedElement(long Id, string Checksum, string Json);

public sealed record IndexedRelationship(long SourceId, string Type, long TargetId);

public sealed record ChangedElement(long Id, string ClassFullName, string SourceFileId, string Change, IReadOnlyList<string> ChangedProperties);

/// <summary>
/// The queryable element state of iModels: a SQLite file per iModel in a local cache folder, materialised by
/// replaying changesets in order and advanced lazily to the tip before every query. It is a cache: deleting the
/// folder only costs a replay. It keeps each element's versions (by changeset index) too, for changed-element queries.
/// Syncs never touch it; element state lives in snapshots and changesets.
/// </summary>
/// <remarks>
/// Checkpoints spare other hosts the replay: once a host has replayed <paramref name="checkpointOperations"/>
/// operations beyond the last checkpoint it knows, it publishes a compacted copy of its file (<c>VACUUM INTO</c>,
/// gzipped) as one blob that each newer checkpoint replaces whole (a blob write commits at once, so concurrent hosts
/// never leave a torn one). A host without a local file starts from the checkpoint when it is of this iModel's
/// history (the changeset id it covers matches the log's) and replays only what came after; otherwise it replays all.
/// </remarks>
public sealed class ElementIndex(IBlobStore blobs, IChangesetLog log, string cacheDirectory, long checkpointOperations = 100_000)
{
    private const int ReplayPage = 100;
    private const int MaxCachedCounts = 1024;
    private const int MaxCachedPageEnds = 16_384;
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _locks = new();

    // The changeset index each iModel's local file has been brought to by this process (a file it has not touched may be stale).
    private readonly ConcurrentDictionary<Guid, int> _applied = new();

    // Element counts by filter as of a changeset index: the total of every page query, which only a changeset changes.
    private readonly KeptValues<(Guid IModelId, int Applied, string? Class, string? Source), long> _counts = new(MaxCachedCounts);

    // Where pages served so far ended, by filter, as of a changeset index: the id of the element at each (skip + page
    // size). A client following next links asks for the page after one it was given; it starts past that id through
    // the primary key, where OFFSET read every element before it again (a walk through 900,000 elements read
    // ~400 million rows). A page asked for at any other offset is counted out as before.
    private readonly KeptValues<(Guid IModelId, int Applied, string? Class, string? Source, int Skip), long> _pageEnds = new(MaxCachedPageEnds);

    // The same for changed-element pages: the last id each page touched, by changeset range.
    private readonly KeptValues<((Guid IModelId, int Applied, int Start, int End) Range, int Skip), long> _changeEnds = new(MaxCachedPageEnds);
    private readonly KeptValues<(Guid IModelId, int Applied, int Start, int End), long> _historyRows = new(MaxCachedCounts);

    public async Task<IndexedElement?> GetAsync(Guid iModelId, long id, CancellationToken cancellationToken)
    {
        await using var current = await OpenCurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        var db = current.Db;
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT checksum, json FROM elements WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new IndexedElement(id, reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>A page of current elements ordered by id, optionally of one class and/or one source file, and how many match.</summary>
    public async Task<(IReadOnlyList<IndexedElement> Page, long Total)> ListAsync(Guid iModelId, string? classFullName, string? sourceFileId, int top, int skip, CancellationToken cancellationToken)
    {
        await using var current = await OpenCurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        var db = current.Db;
        // Only the filters given, so SQLite plans with their indexes: "($class IS NULL OR class = $class)" is planned
        // before the values are known, and scanned every element even for a class of a few.
        string where = (classFullName, sourceFileId) switch
        {
            (null, null) => string.Empty,
            (not null, null) => "WHERE class = $class",
            (null, not null) => "WHERE source = $source",
            _ => "WHERE class = $class AND source = $source",
        };
        var countKey = (iModelId, current.Applied, classFullName, sourceFileId);
        if (!_counts.TryGet(countKey, out long total))
        {
            await using var count = db.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM elements {where}";
            Bind(count);
            total = _counts.Keep(countKey, (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        }

        await using var query = db.CreateCommand();
        if (skip > 0 && _pageEnds.TryGet((iModelId, current.Applied, classFullName, sourceFileId, skip), out long after))
        {
            query.CommandText = $"SELECT id, checksum, json FROM elements {(where.Length == 0 ? "WHERE" : where + " AND")} id > $after ORDER BY id LIMIT $top";
            query.Parameters.AddWithValue("$after", after);
        }
        else
        {
            query.CommandText = $"SELECT id, checksum, json FROM elements {where} ORDER BY id LIMIT $top OFFSET $skip";
            query.Parameters.AddWithValue("$skip", skip);
        }

        Bind(query);
        query.Parameters.AddWithValue("$top", top);
        var page = new List<IndexedElement>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new IndexedElement(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        if (page.Count > 0 && (long)skip + page.Count < total)
        {
            _pageEnds.Keep((iModelId, current.Applied, classFullName, sourceFileId, skip + page.Count), page[^1].Id);
        }

        return (page, total);

        void Bind(SqliteCommand command)
        {
            command.Parameters.AddWithValue("$class", (object?)classFullName ?? DBNull.Value);
            command.Parameters.AddWithValue("$source", (object?)sourceFileId ?? DBNull.Value);
        }
    }

    /// <summary>
    /// A page of the relationships of an element, ordered by (source, type, target): those it has (outgoing), those
    /// other elements have to it (incoming) or both; optionally of one type. Null when the element does not exist.
    /// </summary>
    public async Task<(IReadOnlyList<IndexedRelationship> Page, long Total)?> RelationshipsAsync(Guid iModelId, long elementId, bool outgoing, bool incoming, string? type, int top, int skip, CancellationToken cancellationToken)
    {
        await using var current = await OpenCurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        var db = current.Db;
        await using var exists = db.CreateCommand();
        exists.CommandText = "SELECT EXISTS(SELECT 1 FROM elements WHERE id = $id)";
        exists.Parameters.AddWithValue("$id", elementId);
        if ((long)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
        {
            return null;
        }

        string where = "WHERE (($out AND source = $id) OR ($in AND target = $id)) AND ($type IS NULL OR type = $type)";
        await using var count = db.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM relationships {where}";
        Bind(count);
        long total = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var query = db.CreateCommand();
        query.CommandText = $"SELECT source, type, target FROM relationships {where} ORDER BY source, type, target LIMIT $top OFFSET $skip";
        Bind(query);
        query.Parameters.AddWithValue("$top", top);
        query.Parameters.AddWithValue("$skip", skip);
        var page = new List<IndexedRelationship>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add(new IndexedRelationship(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return (page, total);

        void Bind(SqliteCommand command)
        {
            command.Parameters.AddWithValue("$id", elementId);
            command.Parameters.AddWithValue("$out", outgoing);
            command.Parameters.AddWithValue("$in", incoming);
            command.Parameters.AddWithValue("$type", (object?)type ?? DBNull.Value);
        }
    }

    /// <summary>The iModel's schema: class → property → type.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetSchemaAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        await using var current = await OpenCurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        var db = current.Db;
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT class, property, type FROM schema ORDER BY class, property";
        var schema = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!schema.TryGetValue(reader.GetString(0), out var properties))
            {
                schema[reader.GetString(0)] = properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }

            properties[reader.GetString(1)] = reader.GetString(2);
        }

        return schema.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, string>)c.Value);
    }

    /// <summary>
    /// The net change of every element touched by changesets <paramref name="startIndex"/>..<paramref name="endIndex"/>
    /// (inclusive): its state before the first compared with its state after the last.
    /// </summary>
    public async Task<IReadOnlyList<ChangedElement>> GetChangedElementsAsync(Guid iModelId, int startIndex, int endIndex, CancellationToken cancellationToken) =>
        (await GetChangedElementsAsync(iModelId, startIndex, endIndex, 0, int.MaxValue, cancellationToken).ConfigureAwait(false)).Changes;

    /// <summary>
    /// One page of the net changes over a changeset range: the elements touched in the range, in id order, from the
    /// <paramref name="skip"/>-th touched one, at most <paramref name="take"/> touched ones. A touched element whose
    /// net change is nothing (inserted and deleted in the range, or changed back) is left out, so a page may hold
    /// fewer; <c>More</c> says whether touched elements remain after it.
    /// </summary>
    public async Task<(IReadOnlyList<ChangedElement> Changes, bool More)> GetChangedElementsAsync(Guid iModelId, int startIndex, int endIndex, int skip, int take, CancellationToken cancellationToken)
    {
        await using var current = await OpenCurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        var db = current.Db;
        await using var command = db.CreateCommand();
        // For each touched id: its last version before the range and its last version inside it. The page after one
        // served starts past the last id that page touched (as element pages do), not by counting touched ids out.
        var endKey = (iModelId, current.Applied, startIndex, endIndex);
        long pastId = 0;
        bool resume = skip > 0 && _changeEnds.TryGet((endKey, skip), out pastId);

        // Two ways to a resumed page's touched ids: through the changeset index (every history row of the range, then a
        // sort) or along the primary key from the last page's end (rows of every changeset until a page of the range
        // is found). The first costs the range's rows a page, the second a page's worth of rows divided by the share
        // of the history the range holds: along the key when the range is most of the history.
        bool alongIds = resume && take != int.MaxValue
            && Math.Pow(await HistoryRowsAsync(db, endKey, startIndex, endIndex, cancellationToken).ConfigureAwait(false), 2)
                > (double)take * await HistoryRowsAsync(db, (iModelId, current.Applied, 0, int.MaxValue), 0, int.MaxValue, cancellationToken).ConfigureAwait(false);
        string range = alongIds ? "id > $after AND +cs BETWEEN $start AND $end" : resume ? "cs BETWEEN $start AND $end AND id > $after" : "cs BETWEEN $start AND $end";
        command.CommandText = $"""
            WITH touched AS (SELECT DISTINCT id FROM history WHERE {range} ORDER BY id LIMIT $limit {(resume ? string.Empty : "OFFSET $skip")})
            SELECT t.id,
                   (SELECT json FROM history h WHERE h.id = t.id AND h.cs < $start ORDER BY h.cs DESC LIMIT 1) AS before,
                   (SELECT json FROM history h WHERE h.id = t.id AND h.cs <= $end ORDER BY h.cs DESC LIMIT 1) AS after
            FROM touched t ORDER BY t.id
            """;
        command.Parameters.AddWithValue("$start", startIndex);
        command.Parameters.AddWithValue("$end", endIndex);
        command.Parameters.AddWithValue(resume ? "$after" : "$skip", resume ? pastId : skip);
        command.Parameters.AddWithValue("$limit", take == int.MaxValue ? -1L : take + 1L);
        var changes = new List<ChangedElement>();
        int touched = 0;
        long lastTouched = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (++touched > take)
            {
                _changeEnds.Keep((endKey, skip + take), lastTouched);
                return (changes, true);
            }

            long id = reader.GetInt64(0);
            lastTouched = id;
            string? before = reader.IsDBNull(1) ? null : reader.GetString(1);
            string? after = reader.IsDBNull(2) ? null : reader.GetString(2);
            var change = (before, after) switch
            {
                (null, null) => null,
                (null, _) => Describe(id, after, "inserted", []),
                (_, null) => Describe(id, before, "deleted", []),
                _ when before == after => null,
                _ => Describe(id, after, "updated", ChangedNames(before, after)),
            };
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        return (changes, false);
    }

    /// <summary>History rows in a changeset range, counted once per index state.</summary>
    private async Task<long> HistoryRowsAsync(SqliteConnection db, (Guid IModelId, int Applied, int Start, int End) key, int start, int end, CancellationToken cancellationToken)
    {
        if (_historyRows.TryGet(key, out long rows))
        {
            return rows;
        }

        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM history WHERE cs BETWEEN $start AND $end";
        count.Parameters.AddWithValue("$start", start);
        count.Parameters.AddWithValue("$end", end);
        return _historyRows.Keep(key, (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    private static ChangedElement Describe(long id, string json, string change, IReadOnlyList<string> properties)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ChangedElement(id, root.GetProperty("classFullName").GetString()!, root.GetProperty("sourceFileId").GetString()!, change, properties);
    }

    /// <summary>Names of the properties (and top-level fields such as userLabel) whose values differ.</summary>
    internal static IReadOnlyList<string> ChangedNames(string before, string after)
    {
        using var a = JsonDocument.Parse(before);
        using var b = JsonDocument.Parse(after);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Compare(Fields(a.RootElement, "properties"), Fields(b.RootElement, "properties"), names);
        var top = new SortedSet<string>(StringComparer.Ordinal);
        Compare(TopLevel(a.RootElement), TopLevel(b.RootElement), top);
        return [.. names, .. top];

        static Dictionary<string, string> Fields(JsonElement root, string name) =>
            root.TryGetProperty(name, out var properties) ? properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal) : [];

        static Dictionary<string, string> TopLevel(JsonElement root) =>
            root.EnumerateObject().Where(p => p.Name != "properties").ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);

        static void Compare(Dictionary<string, string> x, Dictionary<string, string> y, SortedSet<string> into)
        {
            foreach (string key in x.Keys.Union(y.Keys))
            {
                if (!x.TryGetValue(key, out string? vx) || !y.TryGetValue(key, out string? vy) || vx != vy)
                {
                    into.Add(key);
                }
            }
        }
    }

    /// <summary>
    /// A connection to the iModel's file, brought up to the log's tip first. The tip is read for every query (another
    /// host may have pushed since); when this process already brought the file to that tip, the connection opens at
    /// once and concurrent queries read side by side (WAL). Only a file that must catch up takes the iModel's gate.
    /// </summary>
    private async Task<CurrentIndex> OpenCurrentAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        string path = Path.Combine(cacheDirectory, $"{iModelId:N}.v2.db");
        ChainTip tip;
        try
        {
            tip = await log.GetTipAsync(iModelId, cancellationToken).ConfigureAwait(false);
        }
        catch (IModelDeletedException)
        {
            await ForgetAsync(iModelId, path).ConfigureAwait(false);
            throw;
        }

        if (_applied.TryGetValue(iModelId, out int known) && known == tip.Index && File.Exists(path))
        {
            return new CurrentIndex(await OpenAsync(path, prepare: false, cancellationToken).ConfigureAwait(false), known);
        }

        var gate = _locks.GetOrAdd(iModelId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read again under the gate: a query that read an older tip may come here after another brought the file
            // past it, and a file ahead of its tip is taken for a reset history below.
            tip = await log.GetTipAsync(iModelId, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(cacheDirectory);
            _applied.TryRemove(iModelId, out _);
            if (!File.Exists(path) && tip.Index > 0)
            {
                await TryRestoreCheckpointAsync(iModelId, path, tip, cancellationToken).ConfigureAwait(false);
            }

            var db = await OpenAsync(path, prepare: true, cancellationToken).ConfigureAwait(false);
            try
            {
                int applied = await MetaAsync(db, "applied", cancellationToken).ConfigureAwait(false);
                if (applied > tip.Index)
                {
                    // The cache is ahead of the log (the iModel was deleted and its history reset): start again.
                    await db.DisposeAsync().ConfigureAwait(false);
                    SqliteConnection.ClearAllPools();
                    DeleteDatabase(path);
                    db = await OpenAsync(path, prepare: true, cancellationToken).ConfigureAwait(false);
                    applied = 0;
                }

                long replayed = 0;
                string? appliedId = null;
                while (applied < tip.Index)
                {
                    foreach (var changeset in await log.ListAsync(iModelId, applied, ReplayPage, cancellationToken).ConfigureAwait(false))
                    {
                        if (changeset.Index > tip.Index)
                        {
                            break;
                        }

                        replayed += await ApplyAsync(db, changeset, cancellationToken).ConfigureAwait(false);
                        applied = changeset.Index;
                        appliedId = changeset.Id;
                    }
                }

                if (replayed > 0 && await AddPendingAsync(db, replayed, cancellationToken).ConfigureAwait(false) is var pending && pending >= checkpointOperations)
                {
                    try
                    {
                        await PublishCheckpointAsync(db, iModelId, appliedId!, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The checkpoint is a shortcut for other hosts: failing to publish it must not fail this query.
                        // The operations stay pending, so the next replay here tries again.
                        await SetMetaAsync(db, "pending", pending, cancellationToken).ConfigureAwait(false);
                    }
                }

                _applied[iModelId] = applied;
                return new CurrentIndex(db, applied);
            }
            catch
            {
                await db.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A deleted iModel's local file is deleted, so a long-lived host does not keep one for every iModel it ever served.</summary>
    private async Task ForgetAsync(Guid iModelId, string path)
    {
        var gate = _locks.GetOrAdd(iModelId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _applied.TryRemove(iModelId, out _);
            if (File.Exists(path))
            {
                SqliteConnection.ClearAllPools();
                DeleteDatabase(path);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Starts a new local file from the published checkpoint, if there is one of this iModel's history.</summary>
    private async Task TryRestoreCheckpointAsync(Guid iModelId, string path, ChainTip tip, CancellationToken cancellationToken)
    {
        string download = path + ".checkpoint";
        try
        {
            await using (var source = await blobs.OpenReadAsync(BlobNames.IndexCheckpoint(iModelId), cancellationToken).ConfigureAwait(false))
            {
                if (source is null)
                {
                    return;
                }

                await using var gzip = new GZipStream(source, CompressionMode.Decompress);
                await using var file = File.Create(download);
                await gzip.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            bool usable;
            await using (var candidate = await OpenAsync(download, prepare: true, cancellationToken).ConfigureAwait(false))
            {
                int covers = await MetaAsync(candidate, "applied", cancellationToken).ConfigureAwait(false);
                string? coversId = await MetaTextAsync(candidate, "applied_id", cancellationToken).ConfigureAwait(false);
                var changeset = covers > 0 && covers <= tip.Index ? await log.GetAsync(iModelId, covers, cancellationToken).ConfigureAwait(false) : null;
                usable = changeset is not null && IdText(changeset.Id) == coversId;
            }

            SqliteConnection.ClearPool(new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = download, Pooling = true }.ToString()));
            if (usable)
            {
                DeleteDatabase(path);
                File.Move(download, path);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A damaged or unreadable checkpoint (or storage trouble fetching it) is only a missed shortcut: replay from the start.
        }
        finally
        {
            DeleteDatabase(download);
        }
    }

    /// <summary>Publishes a compacted copy of the local file as the iModel's checkpoint (covering <paramref name="appliedId"/>).</summary>
    private async Task PublishCheckpointAsync(SqliteConnection db, Guid iModelId, string appliedId, CancellationToken cancellationToken)
    {
        await SetMetaAsync(db, "applied_id", IdText(appliedId), cancellationToken).ConfigureAwait(false);
        await SetMetaAsync(db, "pending", 0L, cancellationToken).ConfigureAwait(false);
        string copy = Path.Combine(cacheDirectory, $"{iModelId:N}.{Guid.NewGuid():N}.publish");
        try
        {
            await using (var vacuum = db.CreateCommand())
            {
                vacuum.CommandText = "VACUUM INTO $path";
                vacuum.Parameters.AddWithValue("$path", copy);
                await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var target = await blobs.OpenWriteAsync(BlobNames.IndexCheckpoint(iModelId), cancellationToken).ConfigureAwait(false);
            await using var gzip = new GZipStream(target, CompressionLevel.Fastest);
            await using var file = File.OpenRead(copy);
            await file.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    // The meta table's values have integer affinity: a prefix keeps a changeset id text whatever its digits.
    private static string IdText(string changesetId) => "cs:" + changesetId;

    private static void DeleteDatabase(string path)
    {
        foreach (string file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <param name="prepare">Sets the connection up for writing and creates what is missing; a file this process has prepared and brought to the tip needs neither to be read.</param>
    private static async Task<SqliteConnection> OpenAsync(string path, bool prepare, CancellationToken cancellationToken)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!prepare)
        {
            return db;
        }

        await using var setup = db.CreateCommand();
        setup.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = OFF;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS elements(id INTEGER PRIMARY KEY, class TEXT NOT NULL, source TEXT NOT NULL, checksum TEXT NOT NULL, cs INTEGER NOT NULL, json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS elements_class ON elements(class, id);
            CREATE INDEX IF NOT EXISTS elements_source ON elements(source, id);
            CREATE TABLE IF NOT EXISTS history(id INTEGER NOT NULL, cs INTEGER NOT NULL, json TEXT, PRIMARY KEY(id, cs)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS history_cs ON history(cs);
            CREATE TABLE IF NOT EXISTS relationships(source INTEGER NOT NULL, type TEXT NOT NULL, target INTEGER NOT NULL, PRIMARY KEY(source, type, target)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS relationships_target ON relationships(target, type);
            CREATE TABLE IF NOT EXISTS schema(class TEXT NOT NULL, property TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY(class, property)) WITHOUT ROWID;
            """;
        await setup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return db;
    }

    /// <summary>An open connection to an iModel's file and the changeset index its content is at (or beyond, if another query of this process advanced it meanwhile).</summary>
    private sealed record CurrentIndex(SqliteConnection Db, int Applied) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private static async Task<int> MetaAsync(SqliteConnection db, string key, CancellationToken cancellationToken) =>
        (int)Convert.ToInt64(await MetaValueAsync(db, key, cancellationToken).ConfigureAwait(false) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string?> MetaTextAsync(SqliteConnection db, string key, CancellationToken cancellationToken) =>
        await MetaValueAsync(db, key, cancellationToken).ConfigureAwait(false) as string;

    private static async Task<object?> MetaValueAsync(SqliteConnection db, string key, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task SetMetaAsync(SqliteConnection db, string key, object value, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "INSERT INTO meta(key, value) VALUES($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds to the operations replayed since the last checkpoint; returns the new total.</summary>
    private static async Task<long> AddPendingAsync(SqliteConnection db, long operations, CancellationToken cancellationToken)
    {
        long pending = await MetaAsync(db, "pending", cancellationToken).ConfigureAwait(false) + operations;
        await SetMetaAsync(db, "pending", pending, cancellationToken).ConfigureAwait(false);
        return pending;
    }

    /// <summary>Applies one changeset's operations and records its index and id, in one transaction; returns how many operations it had.</summary>
    private async Task<long> ApplyAsync(SqliteConnection db, ChangesetRecord changeset, CancellationToken cancellationToken)
    {
        long operations = 0;
        await using var stream = ChangesetContent.OpenLines(blobs, changeset);
        using var lines = new StreamReader(stream, Encoding.UTF8);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var upsert = Command(db, transaction, "INSERT INTO elements(id, class, source, checksum, cs, json) VALUES($id, $class, $source, $checksum, $cs, $json) ON CONFLICT(id) DO UPDATE SET class = excluded.class, source = excluded.source, checksum = excluded.checksum, cs = excluded.cs, json = excluded.json", "$id", "$class", "$source", "$checksum", "$cs", "$json");
        var remove = Command(db, transaction, "DELETE FROM elements WHERE id = $id", "$id");
        var history = Command(db, transaction, "INSERT OR REPLACE INTO history(id, cs, json) VALUES($id, $cs, $json)", "$id", "$cs", "$json");
        var unlink = Command(db, transaction, "DELETE FROM relationships WHERE source = $id", "$id");
        var link = Command(db, transaction, "INSERT OR IGNORE INTO relationships(source, type, target) VALUES($id, $type, $target)", "$id", "$type", "$target");
        var schema = Command(db, transaction, "INSERT OR REPLACE INTO schema(class, property, type) VALUES($class, $property, $type)", "$class", "$property", "$type");
        try
        {
            while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                string op = root.GetProperty("op").GetString()!;
                operations++;
                if (op == "schema")
                {
                    string className = root.GetProperty("class").GetString()!;
                    foreach (var property in root.GetProperty("properties").EnumerateObject())
                    {
                        await Run(schema, cancellationToken, className, property.Name, property.Value.GetString()!).ConfigureAwait(false);
                    }

                    continue;
                }

                if (!ElementId.TryParse(root.GetProperty("id").GetString(), out long id))
                {
                    throw new InvalidDataException($"Changeset {changeset.Index} has an operation with an invalid id.");
                }

                if (op == "delete")
                {
                    await Run(remove, cancellationToken, id).ConfigureAwait(false);
                    await Run(unlink, cancellationToken, id).ConfigureAwait(false);
                    await Run(history, cancellationToken, id, changeset.Index, DBNull.Value).ConfigureAwait(false);
                    continue;
                }

                var element = root.GetProperty("element");
                string json = element.GetRawText();
                await Run(upsert, cancellationToken, id, element.GetProperty("classFullName").GetString()!, element.GetProperty("sourceFileId").GetString()!, root.GetProperty("checksum").GetString()!, changeset.Index, json).ConfigureAwait(false);
                await Run(history, cancellationToken, id, changeset.Index, json).ConfigureAwait(false);
                await Run(unlink, cancellationToken, id).ConfigureAwait(false);
                foreach (var (type, target) in RelationshipsOf(element))
                {
                    await Run(link, cancellationToken, id, type, target).ConfigureAwait(false);
                }
            }

            await using (var applied = Command(db, transaction, "INSERT INTO meta(key, value) VALUES('applied', $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value", "$value"))
            {
                await Run(applied, cancellationToken, changeset.Index).ConfigureAwait(false);
            }

            await using (var appliedId = Command(db, transaction, "INSERT INTO meta(key, value) VALUES('applied_id', $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value", "$value"))
            {
                await Run(appliedId, cancellationToken, IdText(changeset.Id)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return operations;
        }
        finally
        {
            foreach (var command in new[] { upsert, remove, history, unlink, link, schema })
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>An element's relationships: its <c>relationships</c> list, or only its <c>parentId</c> when written before lists existed.</summary>
    private static IEnumerable<(string Type, long Target)> RelationshipsOf(JsonElement element)
    {
        if (element.TryGetProperty("relationships", out var list))
        {
            foreach (var item in list.EnumerateArray())
            {
                if (ElementId.TryParse(item.GetProperty("targetId").GetString(), out long target))
                {
                    yield return (item.GetProperty("type").GetString()!, target);
                }
            }
        }
        else if (element.TryGetProperty("parentId", out var parent) && ElementId.TryParse(parent.GetString(), out long parentId))
        {
            yield return (ResolvedRelationship.Parent, parentId);
        }
    }

    private static SqliteCommand Command(SqliteConnection db, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static Task<int> Run(SqliteCommand command, CancellationToken cancellationToken, params object[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
    }
}
