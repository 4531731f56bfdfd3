using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// Writes a file's new <see cref="Snapshot"/> while its elements are still being diffed, in the order they come,
/// either whole or as a patch on the whole snapshot the baseline stands on (ADR 0020).
/// </summary>
/// <remarks>
/// <para>
/// Whole: entries fill a 4 MiB chunk (a block the blob stream stages as it comes, without a copy) that goes
/// to the blob write stream on its own task while the next one fills, so one chunk and the commit are left after the
/// last element.
/// </para>
/// <para>
/// Patch (<see cref="OpenPatch"/>): entries whose checksum the baseline already had become copy records of the base
/// and the others entries of the patch's own, kept in memory and uploaded in one piece at the end. A patch that grows
/// past a quarter of a whole snapshot's size is turned into a whole snapshot on the spot, so patches stay small and
/// every diff loads at most a base and one patch.
/// </para>
/// <para>
/// A blob write stream may commit what it has uploaded so far, so an abandoned writer deletes the blob: only
/// <see cref="CompleteAsync"/> leaves one.
/// </para>
/// </remarks>
internal sealed class SnapshotWriter
{
    /// <summary>Baselines smaller than this are rewritten whole: one small blob either way, and no base to keep.</summary>
    internal const int PatchMinimumEntries = 1024;
    private const int ChunkBytes = 4 * 1024 * 1024; // whole entries: a multiple of EntryBytes
    private const int RecordBytes = 8;
    private readonly IBlobStore _blobs;
    private readonly string _name;
    private Stream? _stream;
    // Whole mode only (null while a patch): pooled, as two fresh 4 MiB arrays a file would land on the large object heap
    // and bring on a gen2 collection per sync.
    private BlockHandOff? _chunks;

    // Patch mode: null once writing whole.
    private readonly Snapshot? _baseline;
    private readonly string? _baselineName;
    private readonly long _patchLimit;
    private List<PatchRecord>? _records;
    private readonly List<(long Id, ulong Key)> _own = [];
    private long _patchBytes;

    private SnapshotWriter(IBlobStore blobs, string name, Stream? stream, Snapshot? baseline = null, string? baselineName = null, long expectedCount = 0)
    {
        _blobs = blobs;
        _name = name;
        _stream = stream;
        if (baseline is null)
        {
            RentChunks();
        }
        else
        {
            _baseline = baseline;
            _baselineName = baselineName;
            _patchLimit = expectedCount * Snapshot.EntryBytes / 4;
            _records = [];
        }
    }

    private void RentChunks()
    {
        _chunks = new BlockHandOff(ChunkBytes);
        Snapshot.WriteHeader(_chunks.Block);
        _chunks.Used = Snapshot.HeaderBytes;
    }

    public long Count { get; private set; }

    /// <summary>The whole snapshot the written patch stands on; null when the snapshot was written whole. Set on completion.</summary>
    public string? PatchBase { get; private set; }

    /// <summary>A writer of a whole snapshot.</summary>
    public static async Task<SnapshotWriter> OpenAsync(IBlobStore blobs, string name, CancellationToken cancellationToken) =>
        new(blobs, name, await blobs.OpenWriteAsync(name, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// A writer of a patch on the whole snapshot under <paramref name="baseline"/> (the baseline itself when it is whole),
    /// or of a whole snapshot when the baseline is too small to be worth patching.
    /// </summary>
    /// <param name="baselineName">The baseline's blob.</param>
    /// <param name="expectedCount">The baseline's entry count as committed: it sizes the largest patch kept.</param>
    public static async Task<SnapshotWriter> OpenAsync(IBlobStore blobs, string name, Snapshot baseline, string baselineName, long expectedCount, CancellationToken cancellationToken) =>
        expectedCount < PatchMinimumEntries
            ? await OpenAsync(blobs, name, cancellationToken).ConfigureAwait(false)
            : OpenPatch(blobs, name, baseline, baselineName, expectedCount);

    internal static SnapshotWriter OpenPatch(IBlobStore blobs, string name, Snapshot baseline, string baselineName, long expectedCount) =>
        new(blobs, name, null, baseline, baselineName, expectedCount);

    /// <summary>An entry the baseline did not have as it is (new, or changed).</summary>
    public ValueTask AddAsync(long id, ulong key, CancellationToken cancellationToken) => AddAsync(id, key, -1, cancellationToken);

    /// <param name="key">The element's checksum key (<see cref="Snapshot.Key"/>).</param>
    /// <param name="unchangedAt">The entry's position in the baseline when the baseline holds it with this key, else -1.</param>
    public ValueTask AddAsync(long id, ulong key, int unchangedAt, CancellationToken cancellationToken)
    {
        Count++;
        if (_records is null)
        {
            return AddWholeAsync(id, key, cancellationToken);
        }

        int origin = unchangedAt >= 0 ? _baseline!.OriginAt(unchangedAt) : -1;
        var records = CollectionsMarshal.AsSpan(_records);
        if (origin >= 0)
        {
            if (records.Length > 0 && records[^1] is { Start: >= 0 } last && last.Start + last.Count == origin && last.From + last.Count == unchangedAt)
            {
                records[^1].Count++;
            }
            else
            {
                _records.Add(new PatchRecord(origin, unchangedAt, 1));
                _patchBytes += RecordBytes;
            }
        }
        else
        {
            if (records.Length > 0 && records[^1].Start == Snapshot.LiteralRecord)
            {
                records[^1].Count++;
            }
            else
            {
                _records.Add(new PatchRecord(Snapshot.LiteralRecord, _own.Count, 1));
                _patchBytes += RecordBytes;
            }

            _own.Add((id, key));
            _patchBytes += Snapshot.EntryBytes;
        }

        return _patchBytes > _patchLimit ? new ValueTask(BecomeWholeAsync(cancellationToken)) : ValueTask.CompletedTask;
    }

    private ValueTask AddWholeAsync(long id, ulong key, CancellationToken cancellationToken)
    {
        var chunks = _chunks!;
        Snapshot.WriteEntry(chunks.Block.AsSpan(chunks.Used, Snapshot.EntryBytes), id, key);
        chunks.Used += Snapshot.EntryBytes;
        return chunks.Block.Length - chunks.Used < Snapshot.EntryBytes ? new ValueTask(chunks.HandOffAsync(_stream!, cancellationToken)) : ValueTask.CompletedTask;
    }

    /// <summary>The patch has outgrown its use: its entries so far go into a whole snapshot, which the rest follows.</summary>
    private async Task BecomeWholeAsync(CancellationToken cancellationToken)
    {
        var records = _records!;
        _records = null;
        RentChunks();
        _stream = await _blobs.OpenWriteAsync(_name, cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            for (int i = 0; i < record.Count; i++)
            {
                var (id, key) = record.Start == Snapshot.LiteralRecord
                    ? _own[record.From + i]
                    : (_baseline!.IdAt(record.From + i), _baseline.ChecksumAt(record.From + i));
                await AddWholeAsync(id, key, cancellationToken).ConfigureAwait(false);
            }
        }

        _own.Clear();
        _own.TrimExcess();
    }

    /// <summary>
    /// Uploads the rest (or the patch) and commits the blob. May run while the file's operations finish uploading;
    /// <see cref="AbandonAsync"/> waits for it.
    /// </summary>
    public Task CompleteAsync(CancellationToken cancellationToken) => _completion = CompleteCoreAsync(cancellationToken);

    private Task _completion = Task.CompletedTask;

    private async Task CompleteCoreAsync(CancellationToken cancellationToken)
    {
        if (_records is not null)
        {
            await WritePatchAsync(_records, cancellationToken).ConfigureAwait(false);
            return;
        }

        var chunks = _chunks!;
        await chunks.HandOffAsync(_stream!, cancellationToken).ConfigureAwait(false);
        await chunks.InFlight.ConfigureAwait(false);
        chunks.Return();
        await _stream!.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WritePatchAsync(List<PatchRecord> records, CancellationToken cancellationToken)
    {
        var baseline = _baseline!;
        await baseline.Completion.ConfigureAwait(false);
        string baseName = baseline.BaseName ?? _baselineName!;
        long baseCount = baseline.BaseName is null ? baseline.Count : baseline.BaseEntryCount;
        byte[] header = Snapshot.PatchHeader(baseName, baseCount);
        var patch = new byte[header.Length + _patchBytes];
        header.CopyTo(patch, 0);
        int at = header.Length;
        foreach (var record in records)
        {
            BinaryPrimitives.WriteInt32LittleEndian(patch.AsSpan(at), record.Start);
            BinaryPrimitives.WriteInt32LittleEndian(patch.AsSpan(at + 4), record.Count);
            at += RecordBytes;
            if (record.Start == Snapshot.LiteralRecord)
            {
                for (int i = 0; i < record.Count; i++)
                {
                    var (id, key) = _own[record.From + i];
                    Snapshot.WriteEntry(patch.AsSpan(at, Snapshot.EntryBytes), id, key);
                    at += Snapshot.EntryBytes;
                }
            }
        }

        var stream = await _blobs.OpenWriteAsync(_name, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(patch, cancellationToken).ConfigureAwait(false);
        }

        PatchBase = baseName;
    }

    /// <summary>After a failed diff: waits for an upload still running, then deletes whatever reached the blob.</summary>
    public async Task AbandonAsync()
    {
        await _completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_chunks is { } chunks)
        {
            await chunks.InFlight.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            chunks.Return();
        }

        await _blobs.DeleteIfExistsAsync(_name, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies of base entries Start.. (From: the first's position in the baseline) or, with Start -1, entries of
    /// the patch's own (From: the first's index among them).
    /// </summary>
    private record struct PatchRecord(int Start, int From, int Count);
}
