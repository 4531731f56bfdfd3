using System.Buffers.Binary;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// The elements a source file produced at its last commit, as (element id, checksum) pairs sorted by id: 24 bytes
/// an element, the whole basis of the next diff. Element ids are derived from identifiers, so no identifier text
/// is kept. Lookups go through a hash table built on first use (about 24 more bytes an element while diffing).
/// </summary>
public sealed class Snapshot
{
    private const uint Magic = 0x53594E31; // "SYN1"
    private readonly long[] _ids;
    private readonly UInt128[] _checksums;

    public Snapshot(long[] ids, UInt128[] checksums)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(checksums);
        _ids = ids;
        _checksums = checksums;
    }

    public static Snapshot Empty { get; } = new([], []);

    public int Count => _ids.Length;

    public long IdAt(int index) => _ids[index];

    private Dictionary<long, int>? _positions;

    /// <summary>The position of <paramref name="id"/>, or a negative number when absent.</summary>
    public int IndexOf(long id)
    {
        // A hash lookup: a binary search over millions of ids costs a cache miss per step.
        _positions ??= BuildPositions();
        return _positions.TryGetValue(id, out int at) ? at : -1;
    }

    private Dictionary<long, int> BuildPositions()
    {
        var positions = new Dictionary<long, int>(_ids.Length);
        for (int i = 0; i < _ids.Length; i++)
        {
            positions[_ids[i]] = i;
        }

        return positions;
    }

    public UInt128 ChecksumAt(int index) => _checksums[index];

    /// <summary>Sorts the pairs collected in any order into a snapshot.</summary>
    public static Snapshot FromUnsorted(long[] ids, UInt128[] checksums, int count)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var keys = ids.AsSpan(0, count).ToArray();
        var values = checksums.AsSpan(0, count).ToArray();
        Array.Sort(keys, values);
        return new Snapshot(keys, values);
    }

    public static async Task<Snapshot> LoadAsync(IBlobStore blobs, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var stream = await blobs.OpenReadAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Snapshot '{name}' is missing.");
        var header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new InvalidDataException($"'{name}' is not a snapshot.");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        var ids = new long[count];
        var checksums = new UInt128[count];
        var record = new byte[24 * 4096];
        for (int done = 0; done < count;)
        {
            int batch = Math.Min(4096, count - done);
            await stream.ReadExactlyAsync(record.AsMemory(0, batch * 24), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < batch; i++)
            {
                var span = record.AsSpan(i * 24, 24);
                ids[done + i] = BinaryPrimitives.ReadInt64LittleEndian(span);
                checksums[done + i] = BinaryPrimitives.ReadUInt128LittleEndian(span[8..]);
            }

            done += batch;
        }

        return new Snapshot(ids, checksums);
    }

    public async Task SaveAsync(IBlobStore blobs, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var stream = await blobs.OpenWriteAsync(name, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[24 * 4096];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), Count);
        await stream.WriteAsync(buffer.AsMemory(0, 8), cancellationToken).ConfigureAwait(false);
        for (int done = 0; done < Count;)
        {
            int batch = Math.Min(4096, Count - done);
            for (int i = 0; i < batch; i++)
            {
                var span = buffer.AsSpan(i * 24, 24);
                BinaryPrimitives.WriteInt64LittleEndian(span, _ids[done + i]);
                BinaryPrimitives.WriteUInt128LittleEndian(span[8..], _checksums[done + i]);
            }

            await stream.WriteAsync(buffer.AsMemory(0, batch * 24), cancellationToken).ConfigureAwait(false);
            done += batch;
        }
    }
}
