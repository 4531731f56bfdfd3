using System.Text;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;
using Sync.Engine.Runs;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// Change detection for one source file (ARCHITECTURE §6): skip on an unchanged version marker and connector
/// version; otherwise stream the file through its connector, checksum each element's canonical form, diff by
/// deterministic element id against the file's last committed snapshot, and stage the operations and the new
/// snapshot as blobs. Nothing becomes current here: <see cref="ChangesetPusher"/> commits.
/// </summary>
public sealed class FileSynchronizer(IBlobStore blobs, IChangesetLog log, ConnectorRegistry connectors, RunOptions? options = null)
{
    private readonly TimeSpan _fileReadTimeout = (options ?? new RunOptions()).FileReadTimeout;

    private readonly SyncStateReader _states = new(blobs, log);

    /// <summary>
    /// The Skipped result of a file whose version the commit <paramref name="state"/> already holds (or already found
    /// unreadable), decided from its marker alone; null when it must be read (or its connector is not available, which
    /// reading reports).
    /// </summary>
    public FileSyncResult? Unchanged(FileSyncRequest request, SyncState state)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        IConnector connector;
        try
        {
            connector = connectors.Resolve(request.ConnectorType, request.FileName);
        }
        catch (ConnectorNotAvailableException)
        {
            return null;
        }

        return Unchanged(request, connector, ReadingMarker(request, connector), state);
    }

    /// <summary>Whether the connector of a file reads the iModel's coordinate system (so a new spatial root can change it).</summary>
    public bool ReadsCoordinateSystem(string connectorType, string fileName)
    {
        try
        {
            return connectors.Resolve(connectorType, fileName).SettingNames.Contains(Catalog.ConfigurationSettings.GeographicCoordinateSystem);
        }
        catch (ConnectorNotAvailableException)
        {
            return false;
        }
    }

    private static FileSyncResult? Unchanged(FileSyncRequest request, IConnector connector, string marker, SyncState state)
    {
        if (state.Files.TryGetValue(request.SourceFileId, out var previous) && previous.Marker == marker && previous.ConnectorType == connector.ConnectorType && previous.ConnectorVersion == connector.Version)
        {
            return FileSyncResult.Skip();
        }

        if (state.UnreadableFiles.TryGetValue(request.SourceFileId, out var unreadable) && unreadable.Marker == marker && unreadable.ConnectorType == connector.ConnectorType && unreadable.ConnectorVersion == connector.Version)
        {
            return FileSyncResult.Skip([$"Not read again: this version of '{request.FileName}' could not be read in run {unreadable.RunId} ({unreadable.Description}). Its elements stay as last synchronized until a corrected file is uploaded."]);
        }

        return null;
    }

    /// <summary>What the iModel's latest commit holds for a source file; null when it has none.</summary>
    public async Task<FileState?> CommittedAsync(Guid iModelId, string sourceFileId, CancellationToken cancellationToken)
    {
        var state = await _states.CurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        return state.Files.GetValueOrDefault(sourceFileId);
    }

    public async Task<FileSyncResult> SynchronizeAsync(FileSyncRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IConnector connector;
        try
        {
            connector = connectors.Resolve(request.ConnectorType, request.FileName);
        }
        catch (ConnectorNotAvailableException e)
        {
            return FileSyncResult.Fail(new SyncError("ConnectorNotAvailable", "configuration", e.Message, CanUserFix: true));
        }

        string marker = ReadingMarker(request, connector);
        var state = await _states.CurrentAsync(request.IModelId, cancellationToken).ConfigureAwait(false);
        state.Files.TryGetValue(request.SourceFileId, out var previous);
        if (Unchanged(request, connector, marker, state) is { } skipped)
        {
            return skipped;
        }

        await EnsureNotCommittedAsync(request.IModelId, request.RunId, cancellationToken).ConfigureAwait(false);

        // The baseline loads while the connector starts parsing: the diff reads it as it arrives.
        var baseline = previous is null ? Snapshot.Empty : Snapshot.Open(blobs, previous.SnapshotBlob, previous.ElementCount, cancellationToken);
        await using var loading = baseline.ConfigureAwait(false);
        var context = new SourceContext(request.FileName, request.Settings)
        {
            Companions = request.Companions ?? new Dictionary<string, Func<CancellationToken, Task<Stream>>>(),
        };
        string operationsBlob = BlobNames.Staged(request.IModelId, request.RunId, request.SourceFileId);
        string snapshotBlob = BlobNames.Snapshot(request.IModelId, request.SourceFileId, request.RunId);
        var diff = new Diff(baseline);
        string contentHash;
        long bytes;
        long elementCount;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_fileReadTimeout);
        Task completing;
        var snapshot = previous is null
            ? await SnapshotWriter.OpenAsync(blobs, snapshotBlob, limit.Token).ConfigureAwait(false)
            : await SnapshotWriter.OpenAsync(blobs, snapshotBlob, baseline, previous.SnapshotBlob, previous.ElementCount, limit.Token).ConfigureAwait(false);
        try
        {
            await using var content = await request.OpenContentAsync(limit.Token).ConfigureAwait(false);
            var writer = new ChangeLineWriter(await blobs.OpenWriteAsync(operationsBlob, limit.Token).ConfigureAwait(false));
            await using (writer.ConfigureAwait(false))
            {
                var elements = connector.ReadAsync(content, context, limit.Token);
                if (request.Document is { } document)
                {
                    elements = document.AppendTo(elements, request.FileName, limit.Token);
                }

                await diff.RunAsync(elements, request, context, writer, snapshot, limit.Token).ConfigureAwait(false);

                // The snapshot's last chunks upload while the operations' last block does.
                completing = snapshot.CompleteAsync(limit.Token);
            }

            await completing.ConfigureAwait(false);
            contentHash = writer.ContentHash;
            bytes = writer.CompressedBytes;
            elementCount = snapshot.Count;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Not remembered as unreadable: a slow read may pass on a quieter machine or with a longer limit.
            await DeleteStagedAsync(snapshot, operationsBlob).ConfigureAwait(false);
            return FileSyncResult.Fail(new SyncError("SourceFileTimedOut", "file_format", $"'{request.FileName}' was not read within {_fileReadTimeout} (the per-file limit, Runs:FileReadTimeout): it is malformed or much larger than a file of its kind should be.", CanUserFix: true), context.Warnings);
        }
        catch (SourceFormatException e)
        {
            await DeleteStagedAsync(snapshot, operationsBlob).ConfigureAwait(false);
            return FileSyncResult.Fail(new SyncError("SourceFileUnreadable", "file_format", e.Message, CanUserFix: true), context.Warnings) with
            {
                Unreadable = new UnreadableFile(request.SourceFileId, marker, connector.ConnectorType, connector.Version, e.Message, request.RunId),
            };
        }
        catch
        {
            await snapshot.AbandonAsync().ConfigureAwait(false);
            throw;
        }

        var staged = new StagedFile(
            request.SourceFileId,
            marker,
            connector.ConnectorType,
            connector.Version,
            previous?.SnapshotBlob,
            snapshotBlob,
            elementCount,
            operationsBlob,
            contentHash,
            bytes,
            diff.Inserted,
            diff.Updated,
            diff.Deleted,
            diff.Schema.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, string>)c.Value))
        {
            ParentSourceFileId = request.ParentSourceFileId,
            Validator = request.Validator,
            Superseded = Superseded(previous?.SnapshotBlob, baseline.BaseName, snapshot.PatchBase),
            Spatial = new FileSpatial(context.CoordinateSystem, context.CoordinateSystemDefinition, diff.Extents.ToBoundingBox(), request.IsSpatialRoot),
        };
        if (request.IsSpatialRoot && context.CoordinateSystem is null)
        {
            context.Warn($"'{request.FileName}' is the spatial root but has no coordinate system of its own: the iModel gets none from it.");
        }

        return new FileSyncResult(FileOutcome.Staged, staged, null, context.Warnings, diff.ElementsRead);
    }

    /// <summary>The source files a connection has committed to an iModel (their ids), as of its tip.</summary>
    public async Task<IReadOnlyList<string>> CommittedFilesAsync(Guid iModelId, string connectionId, CancellationToken cancellationToken)
    {
        var state = await _states.CurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        return state.Files.Where(f => f.Value.ConnectionId == connectionId).Select(f => f.Key).ToList();
    }

    /// <summary>The reference files committed as children of a master (their source file ids), as of the tip.</summary>
    public async Task<IReadOnlyList<string>> CommittedChildrenAsync(Guid iModelId, string masterSourceFileId, CancellationToken cancellationToken)
    {
        var state = await _states.CurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        return state.Files.Where(f => f.Value.ParentSourceFileId == masterSourceFileId).Select(f => f.Key).ToList();
    }

    /// <summary>Stages the deletion of every element a file produced (source file removed, or manifest <c>unmap</c>).</summary>
    public async Task<FileSyncResult> StageRemovalAsync(Guid iModelId, string runId, string sourceFileId, CancellationToken cancellationToken)
    {
        var state = await _states.CurrentAsync(iModelId, cancellationToken).ConfigureAwait(false);
        if (!state.Files.TryGetValue(sourceFileId, out var previous))
        {
            return FileSyncResult.Skip();
        }

        await EnsureNotCommittedAsync(iModelId, runId, cancellationToken).ConfigureAwait(false);

        var baseline = await Snapshot.LoadAsync(blobs, previous.SnapshotBlob, previous.ElementCount, cancellationToken).ConfigureAwait(false);
        string operationsBlob = BlobNames.Staged(iModelId, runId, sourceFileId);
        var writer = new ChangeLineWriter(await blobs.OpenWriteAsync(operationsBlob, cancellationToken).ConfigureAwait(false));
        await using (writer.ConfigureAwait(false))
        {
            for (int i = 0; i < baseline.Count; i++)
            {
                await writer.WriteDeleteAsync(baseline.IdAt(i), sourceFileId, cancellationToken).ConfigureAwait(false);
            }
        }

        var staged = new StagedFile(sourceFileId, previous.Marker, previous.ConnectorType, previous.ConnectorVersion, previous.SnapshotBlob, null, 0,
            operationsBlob, writer.ContentHash, writer.CompressedBytes, 0, 0, baseline.Count, new Dictionary<string, IReadOnlyDictionary<string, string>>())
        {
            Superseded = Superseded(previous.SnapshotBlob, baseline.BaseName, null),
        };
        return new FileSyncResult(FileOutcome.Staged, staged, null, [], 0);
    }

    /// <summary>
    /// The file's version marker extended by the values of the settings its connector reads (when set) and by
    /// its document attribute, so a change of either reads the file again while unset ones leave the marker as it was.
    /// </summary>
    private static string ReadingMarker(FileSyncRequest request, IConnector connector)
    {
        var marker = new StringBuilder(request.Marker);
        foreach (string name in connector.SettingNames)
        {
            if (request.Settings?.GetValueOrDefault(name) is { Length: > 0 } value)
            {
                marker.Append(';').Append(name).Append('=').Append(value);
            }
        }

        if (request.Document is { } document)
        {
            marker.Append(";document=").Append(document.Fingerprint());
        }

        if (request.IsSpatialRoot)
        {
            marker.Append(";spatialRoot");
        }

        return marker.ToString();
    }

    /// <summary>
    /// The snapshot blobs the commit of a file leaves unreferenced: its previous snapshot and, when that was a patch,
    /// the patch's base — but not a base the new snapshot patches in turn.
    /// </summary>
    private static List<string> Superseded(string? previous, string? previousBase, string? newBase)
    {
        var superseded = new List<string>(2);
        if (previous is not null && previous != newBase)
        {
            superseded.Add(previous);
        }

        if (previousBase is not null && previousBase != newBase)
        {
            superseded.Add(previousBase);
        }

        return superseded;
    }

    private async Task DeleteStagedAsync(SnapshotWriter snapshot, string operationsBlob)
    {
        await snapshot.AbandonAsync().ConfigureAwait(false);
        await blobs.DeleteIfExistsAsync(operationsBlob, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Staged blobs of a committed run are parts of its changeset: a late repeat of the run must not rewrite them.</summary>
    private async Task EnsureNotCommittedAsync(Guid iModelId, string runId, CancellationToken cancellationToken)
    {
        if (await log.GetRunCommitAsync(iModelId, runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new InvalidOperationException($"Run '{runId}' has already committed to iModel {iModelId}; its files cannot be staged again.");
        }
    }

    /// <summary>The streaming diff of one file against its baseline snapshot.</summary>
    private sealed class Diff(Snapshot baseline)
    {
        // Elements wait in batches (read ahead, being prepared) and outlive a young collection there: smaller batches
        // keep fewer of them (GC pauses of a first sync of 1M rows: 512 → 130-170 ms, 256 → 25-65 ms).
        private const int BatchSize = 256;
        private const int BatchesAhead = 2;

        /// <summary>Batches prepared on the thread pool ahead of the one being applied: one a core.</summary>
        private static readonly int BatchesPreparing = Environment.ProcessorCount;

        private bool[] _seen = new bool[baseline.Count];
        private readonly HashSet<long> _new = [];
        private readonly List<ResolvedRelationship> _relationships = [];
        // Collect's memory of the class it last merged into and, by property position, a name and the types merged for it.
        private string? _collectedClass;
        private Dictionary<string, string>? _collectedProperties;
        private (string? Name, int Types)[] _merged = [];
        // Targets repeat (every entity of a layer points at it): each once, with the identifier for the warning.
        private readonly Dictionary<long, string> _targets = [];
        private int _next;
        private int _duplicates;
        public Dictionary<string, Dictionary<string, string>> Schema { get; } = new(StringComparer.Ordinal);

        public int Inserted { get; private set; }

        public int Updated { get; private set; }

        public int Deleted { get; private set; }

        public long ElementsRead { get; private set; }

        /// <summary>The union of the boxes of the elements read.</summary>
        public Bounds3d Extents => _extents;

        private Bounds3d _extents;

        public async Task RunAsync(IAsyncEnumerable<SourceElement> elements, FileSyncRequest request, SourceContext context, ChangeLineWriter writer, SnapshotWriter snapshot, CancellationToken cancellationToken)
        {
            var canonical = new CanonicalElement();
            var free = new Stack<PreparedBatch>();
            var preparing = new Queue<Task<PreparedBatch>>();
            try
            {
                await foreach (var batch in ReadAhead.BatchesAsync(elements, BatchSize, BatchesAhead, cancellationToken).ConfigureAwait(false))
                {
                    var prepared = free.Count > 0 ? free.Pop() : new PreparedBatch(request);

                    // Every element is new when the file has no baseline: its insert lines are written ahead too.
                    bool allNew = baseline.Completion.IsCompleted && baseline.Count == 0;
                    preparing.Enqueue(Task.Run(() => prepared.Prepare(batch, allNew), cancellationToken));
                    if (preparing.Count > BatchesPreparing)
                    {
                        free.Push(await ApplyAsync(await preparing.Dequeue().ConfigureAwait(false), request, context, canonical, writer, snapshot, cancellationToken).ConfigureAwait(false));
                    }
                }

                while (preparing.Count > 0)
                {
                    await ApplyAsync(await preparing.Dequeue().ConfigureAwait(false), request, context, canonical, writer, snapshot, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                // A failure leaves batches still being prepared: they end before their elements are let go.
                foreach (var left in preparing)
                {
                    await ((Task)left).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            if (_duplicates > 10)
            {
                context.Warn($"{_duplicates} elements in all had an identifier seen before and were left out.");
            }

            // Deletes only for a file read to its end: any failure above has left by exception.
            await baseline.Completion.ConfigureAwait(false);
            EnsureSeenCapacity();
            for (int i = 0; i < baseline.Count; i++)
            {
                if (!_seen[i])
                {
                    Deleted++;
                    await writer.WriteDeleteAsync(baseline.IdAt(i), request.SourceFileId, cancellationToken).ConfigureAwait(false);
                }
            }

            WarnDangling(context);
        }

        /// <summary>Diffs a prepared batch against the baseline, in file order, and stages what changed.</summary>
        private async Task<PreparedBatch> ApplyAsync(PreparedBatch prepared, FileSyncRequest request, SourceContext context, CanonicalElement canonical, ChangeLineWriter writer, SnapshotWriter snapshot, CancellationToken cancellationToken)
        {
            var batch = prepared.Elements;
            for (int i = 0; i < batch.Count; i++)
            {
                var element = batch[i];
                ElementsRead++;
                long id = prepared.IdAt(i);
                int at = await FindAsync(id).ConfigureAwait(false);

                // A repeated identifier: known ones are flagged in the baseline, new ones in a set of new ids.
                if (at >= 0 ? _seen[at] : !_new.Add(id))
                {
                    if (_duplicates++ < 10)
                    {
                        context.Warn($"Identifier '{element.Identifier}' appears more than once; only its first element is kept.");
                    }

                    continue;
                }

                foreach (var (target, identifier) in prepared.TargetsAt(i))
                {
                    _targets.TryAdd(target, identifier);
                }

                UInt128 checksum = prepared.ChecksumAt(i);
                Collect(element);
                if (element.BoundingBox is { } box)
                {
                    _extents.Add(new Vector3d(box.LowX, box.LowY, box.LowZ));
                    _extents.Add(new Vector3d(box.HighX, box.HighY, box.HighZ));
                }

                ulong key = Snapshot.Key(checksum);
                bool unchanged = at >= 0 && baseline.ChecksumAt(at) == key;
                await snapshot.AddAsync(id, key, unchanged ? at : -1, cancellationToken).ConfigureAwait(false);
                if (at >= 0)
                {
                    _seen[at] = true;
                    if (unchanged)
                    {
                        continue;
                    }

                    Updated++;
                }
                else
                {
                    Inserted++;
                    if (prepared.HasInsertLines)
                    {
                        await writer.WriteLineAsync(prepared.InsertLine(i), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                // Only elements that go into the changeset are serialized.
                _relationships.Clear();
                _relationships.AddRange(prepared.RelationshipsAt(i));
                canonical.WriteJson(element, request.SourceFileId, prepared.ParentAt(i), _relationships);
                await writer.WriteElementAsync(at < 0 ? "insert" : "update", id, checksum, canonical.JsonMemory, cancellationToken).ConfigureAwait(false);
            }

            return prepared;
        }

        /// <summary>A relationship to an identifier the file does not have is kept (it may appear later) and reported.</summary>
        private void WarnDangling(SourceContext context)
        {
            // One pass over the baseline finds the targets it still has, with no hash table of all its ids.
            var kept = new HashSet<long>();
            for (int i = 0; i < baseline.Count && kept.Count < _targets.Count; i++)
            {
                if (_seen[i] && _targets.ContainsKey(baseline.IdAt(i)))
                {
                    kept.Add(baseline.IdAt(i));
                }
            }

            var missing = new SortedSet<string>(StringComparer.Ordinal);
            int count = 0;
            foreach (var (target, identifier) in _targets)
            {
                if (!kept.Contains(target) && !_new.Contains(target))
                {
                    count++;
                    if (missing.Count < 10)
                    {
                        missing.Add(identifier);
                    }
                }
            }

            if (count > 0)
            {
                context.Warn($"{count} relationship(s) point to identifiers this file does not have, e.g. {string.Join(", ", missing.Select(m => $"'{m}'"))}; they are kept as written.");
            }
        }

        /// <summary>
        /// The id's position in the baseline, or -1. Snapshots keep the file's element order, so the next element
        /// is most often the one after the last found: checked first, in sequence, as the baseline loads, before the
        /// hash table (which waits for the whole baseline).
        /// </summary>
        private ValueTask<int> FindAsync(long id)
        {
            int next = _next;
            if (next < baseline.Loaded && next < _seen.Length && baseline.IdAt(next) == id)
            {
                _next = next + 1;
                return ValueTask.FromResult(next);
            }

            return baseline.Completion.IsCompleted && baseline.Count == 0 ? ValueTask.FromResult(-1) : FindSlowAsync(id);
        }

        private async ValueTask<int> FindSlowAsync(long id)
        {
            if (_next < baseline.Count)
            {
                await baseline.WaitForAsync(_next + 1).ConfigureAwait(false);
                if (_next < baseline.Loaded && baseline.IdAt(_next) == id)
                {
                    EnsureSeenCapacity();
                    return _next++;
                }
            }

            await baseline.Completion.ConfigureAwait(false);
            EnsureSeenCapacity();
            int at = baseline.IndexOf(id);
            if (at >= 0)
            {
                _next = at + 1;
            }

            return at;
        }

        /// <summary>A baseline with more entries than its commit recorded grows as it loads: so do the flags.</summary>
        private void EnsureSeenCapacity()
        {
            if (_seen.Length < baseline.Count)
            {
                Array.Resize(ref _seen, baseline.Count);
            }
        }

        private void Collect(SourceElement element)
        {
            if (!string.Equals(_collectedClass, element.ClassName, StringComparison.Ordinal))
            {
                if (!Schema.TryGetValue(element.ClassName, out var properties))
                {
                    Schema[element.ClassName] = properties = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                _collectedClass = element.ClassName;
                _collectedProperties = properties;
                Array.Clear(_merged);
            }

            var elementProperties = element.Properties;
            if (_merged.Length < elementProperties.Count)
            {
                Array.Resize(ref _merged, elementProperties.Count);
            }

            for (int i = 0; i < elementProperties.Count; i++)
            {
                // Merging a (name, type) pair twice changes nothing, and elements mostly repeat the property names of
                // the one before as the same strings: a pair this position has merged for this class is skipped cheaply.
                var (name, value) = elementProperties[i];
                string type = PropertyTypes.Of(value);
                int bit = PropertyTypes.Bit(type);
                ref var merged = ref _merged[i];
                if (ReferenceEquals(merged.Name, name))
                {
                    if ((merged.Types & bit) != 0)
                    {
                        continue;
                    }

                    merged.Types |= bit;
                }
                else
                {
                    merged = (name, bit);
                }

                Merge(_collectedProperties!, name, type);
            }
        }

        /// <summary>Mixed cells widen: integers and decimals to double, anything else to string.</summary>
        private static void Merge(Dictionary<string, string> properties, string name, string type)
        {
            if (!properties.TryGetValue(name, out string? known))
            {
                properties[name] = type;
            }
            else if (known != type)
            {
                bool numeric = known is "long" or "double" && type is "long" or "double";
                properties[name] = numeric ? "double" : "string";
            }
        }
    }
}
