using System.Buffers;
using System.Buffers.Binary;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// Writes a file's new <see cref="Snapshot"/> while its elements are still being diffed, in the order they come:
/// entries fill a 4 MiB chunk (the blob client's block) that goes to the blob write stream on its own task while the
/// next one fills. The stream holds a full buffer back until the next write overflows it, so a chunk is staged while
/// the one after next fills, and up to two chunks and the commit are left after the last element (a snapshot under
/// 4 MiB uploads whole then; staging blocks directly was measured and did not pay). A blob write stream may commit what
/// it has uploaded so far, so an abandoned writer deletes the blob: only <see cref="CompleteAsync"/> leaves one.
/// </summary>
internal sealed class SnapshotWriter
{
    private const int ChunkBytes = 24 * 174_762; // just under 4 MiB of whole entries
    private readonly IBlobStore _blobs;
    private readonly string _name;
    private readonly Stream _stream;
    // Pooled: two fresh 4 MiB arrays a file would land on the large object heap and bring on a gen2 collection per sync.
    private byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _used;
    private Task _upload = Task.CompletedTask;

    private SnapshotWriter(IBlobStore blobs, string name, Stream stream)
    {
        _blobs = blobs;
        _name = name;
        _stream = stream;
        Snapshot.WriteHeader(_chunk);
        _used = Snapshot.HeaderBytes;
    }

    public long Count { get; private set; }

    public static async Task<SnapshotWriter> OpenAsync(IBlobStore blobs, string name, CancellationToken cancellationToken) =>
        new(blobs, name, await blobs.OpenWriteAsync(name, cancellationToken).ConfigureAwait(false));

    public ValueTask AddAsync(long id, UInt128 checksum, CancellationToken cancellationToken)
    {
        var entry = _chunk.AsSpan(_used, Snapshot.EntryBytes);
        BinaryPrimitives.WriteInt64LittleEndian(entry, id);
        BinaryPrimitives.WriteUInt128LittleEndian(entry[8..], checksum);
        _used += Snapshot.EntryBytes;
        Count++;
        return _chunk.Length - _used < Snapshot.EntryBytes ? new ValueTask(UploadChunkAsync(cancellationToken)) : ValueTask.CompletedTask;
    }

    /// <summary>Uploads the rest and commits the blob.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await UploadChunkAsync(cancellationToken).ConfigureAwait(false);
        await _upload.ConfigureAwait(false);
        ReturnChunks();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>After a failed diff: waits for an upload still running, then deletes whatever reached the blob.</summary>
    public async Task AbandonAsync()
    {
        await _upload.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ReturnChunks();
        await _blobs.DeleteIfExistsAsync(_name, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Once no upload uses them; a writer is done after completing or abandoning (a late call finds them gone).</summary>
    private void ReturnChunks()
    {
        if (_chunk.Length == 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_chunk);
        ArrayPool<byte>.Shared.Return(_spare);
        _chunk = _spare = [];
    }

    private async Task UploadChunkAsync(CancellationToken cancellationToken)
    {
        await _upload.ConfigureAwait(false); // the spare chunk is free again
        var full = _chunk;
        int length = _used;
        (_chunk, _spare) = (_spare, full);
        _used = 0;
        _upload = length == 0 ? Task.CompletedTask : _stream.WriteAsync(full.AsMemory(0, length), cancellationToken).AsTask();
    }
}
