using System.Buffers.Binary;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// The elements a source file produced at its last commit, as (element id, checksum) pairs in the order the file
/// gave them: 24 bytes an element, the whole basis of the next diff. Element ids are derived from identifiers, so no
/// identifier text is kept. Lookups go through a hash table built on first use (about 24 more bytes an element while
/// diffing). Written by <see cref="SnapshotWriter"/> as the diff runs.
/// </summary>
/// <remarks>
/// Blob layout: "SYN2", 4 reserved bytes, then entries to the end. Snapshots written before streaming ("SYN1")
/// carry an entry count after the magic and are still read.
/// </remarks>
public sealed class Snapshot
{
    internal const int HeaderBytes = 8;
    internal const int EntryBytes = 24;
    private const uint CountedMagic = 0x53594E31; // "SYN1": count in the header
    private const uint StreamedMagic = 0x53594E32; // "SYN2": entries to the end of the blob
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

    internal static void WriteHeader(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, StreamedMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 0);
    }

    /// <summary>Reads a snapshot blob; <paramref name="expectedCount"/> (the count its commit recorded) sizes the arrays.</summary>
    public static async Task<Snapshot> LoadAsync(IBlobStore blobs, string name, long expectedCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var stream = await blobs.OpenReadAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Snapshot '{name}' is missing.");
        var header = new byte[HeaderBytes];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        int? count = magic switch
        {
            CountedMagic => BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)),
            StreamedMagic => null,
            _ => throw new InvalidDataException($"'{name}' is not a snapshot."),
        };
        int capacity = count ?? (int)Math.Clamp(expectedCount, 0, Array.MaxLength);
        var ids = new long[capacity];
        var checksums = new UInt128[capacity];
        var buffer = new byte[EntryBytes * 4096];
        int done = 0;
        while (count is null || done < count)
        {
            int want = count is { } c ? Math.Min(4096, c - done) * EntryBytes : buffer.Length;
            int read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: count is not null, cancellationToken).ConfigureAwait(false);
            if (read % EntryBytes != 0)
            {
                throw new InvalidDataException($"Snapshot '{name}' ends inside an entry.");
            }

            int entries = read / EntryBytes;
            if (done + entries > ids.Length)
            {
                Array.Resize(ref ids, Math.Max(ids.Length * 2, done + entries));
                Array.Resize(ref checksums, ids.Length);
            }

            for (int i = 0; i < entries; i++)
            {
                var span = buffer.AsSpan(i * EntryBytes, EntryBytes);
                ids[done + i] = BinaryPrimitives.ReadInt64LittleEndian(span);
                checksums[done + i] = BinaryPrimitives.ReadUInt128LittleEndian(span[8..]);
            }

            done += entries;
            if (read < want)
            {
                break;
            }
        }

        if (done < ids.Length)
        {
            Array.Resize(ref ids, done);
            Array.Resize(ref checksums, done);
        }

        return new Snapshot(ids, checksums);
    }
}
