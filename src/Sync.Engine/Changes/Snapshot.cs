using System.Buffers.Binary;
using Sync.Engine.Stores;

namespace Sync.Engine.Changes;

/// <summary>
/// The elements a source file produced at its last commit, as (element id, checksum key) pairs in the order the file
/// gave them: 16 bytes an element, the whole basis of the next diff. The key is the low 64 bits of the element's
/// 128-bit checksum (<see cref="Key"/>, ADR 0022): an edit goes unseen only when its key equals the old one, 1 in
/// 2^64. Element ids are derived from identifiers, so no identifier text is kept. Lookups go through a hash table
/// built on first use (about 24 more bytes an element while diffing). Written by <see cref="SnapshotWriter"/> as the
/// diff runs.
/// </summary>
/// <remarks>
/// <para>
/// A snapshot <see cref="Open"/>ed from its blob fills in the background: a diff reads the entries already loaded
/// (<see cref="Loaded"/>, <see cref="WaitForAsync"/>) while the connector parses, instead of waiting for the whole
/// download first. Entries are published in order: everything below <see cref="Loaded"/> is final.
/// </para>
/// <para>
/// Blob layouts (ADR 0020, 0022):
/// <list type="bullet">
/// <item>a whole snapshot: "SYN3", 4 reserved bytes, then entries (id, key; int64 and uint64) to the end. Older
/// snapshots held the whole checksum (24-byte entries: id, uint128) and are still read, taking its low half: "SYN2"
/// laid out as "SYN3", and "SYN1" (written before streaming) with an entry count after the magic;</item>
/// <item>a patch on a whole snapshot (its <see cref="BaseName"/>): "SYP2" ("SYP1" with 24-byte entries), 4 reserved
/// bytes, the base's name (int32 length, UTF-8) and entry count (int64), then records of two int32: (start, count)
/// copies entries start..start+count-1 of the base; (-1, count) is followed by count entries of its own. A changed
/// file whose elements mostly kept their checksums is committed as a patch, so its commit stores kilobytes, not the
/// whole snapshot again. A patch's base is always a whole snapshot.</item>
/// </list>
/// </para>
/// </remarks>
public sealed class Snapshot : IAsyncDisposable
{
    internal const int HeaderBytes = 8;
    internal const int EntryBytes = 16;
    private const int WideEntryBytes = 24; // entries written before keys: id, then the whole checksum
    internal const int EntriesPerRead = 4096;
    private const uint CountedMagic = 0x53594E31; // "SYN1": count in the header, wide entries
    private const uint StreamedMagic = 0x53594E32; // "SYN2": wide entries to the end of the blob
    private const uint KeyedMagic = 0x53594E33; // "SYN3": entries to the end of the blob
    private const uint WidePatchMagic = 0x53595031; // "SYP1": copies of a whole snapshot's entries and wide entries of its own
    private const uint PatchMagic = 0x53595032; // "SYP2": copies of a whole snapshot's entries and entries of its own
    internal const int LiteralRecord = -1;
    private CancellationTokenSource? _stop;
    private readonly Task _loading;
    private long[] _ids;
    private ulong[] _checksums;
    // A patch's entries' positions in its base (-1: an entry of the patch's own); null for a whole snapshot.
    private int[]? _origins;
    private int _count;
    private int _loaded;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Snapshot(long[] ids, ulong[] checksums)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(checksums);
        _ids = ids;
        _checksums = checksums;
        _count = _loaded = ids.Length;
        _loading = Task.CompletedTask;
    }

    private Snapshot(IBlobStore blobs, string name, long expectedCount, CancellationToken cancellationToken)
    {
        int capacity = (int)Math.Clamp(expectedCount, 0, Array.MaxLength);
        _ids = new long[capacity];
        _checksums = new ulong[capacity];
        _count = capacity;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loading = Task.Run(() => FillAsync(blobs, name, _stop.Token), CancellationToken.None);
    }

    public static Snapshot Empty { get; } = new([], []);

    /// <summary>The entry count: the expected count while loading, the blob's own once <see cref="Completion"/> has run.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many entries, from the first, are loaded and final.</summary>
    public int Loaded => Volatile.Read(ref _loaded);

    /// <summary>Completes when every entry is loaded; fails as the load failed (a missing or malformed blob).</summary>
    public Task Completion => _loading;

    public long IdAt(int index) => Volatile.Read(ref _ids)[index];

    /// <summary>The checksum key (<see cref="Key"/>) of the entry at <paramref name="index"/>.</summary>
    public ulong ChecksumAt(int index) => Volatile.Read(ref _checksums)[index];

    /// <summary>What a snapshot keeps of an element's checksum: its low 64 bits.</summary>
    public static ulong Key(UInt128 checksum) => (ulong)checksum;

    /// <summary>
    /// Where the entry at <paramref name="index"/> sits in the whole snapshot this one stands on (itself when whole,
    /// its <see cref="BaseName"/> when a patch), or -1 when a patch holds it as an entry of its own.
    /// </summary>
    public int OriginAt(int index) => Volatile.Read(ref _origins) is { } origins ? origins[index] : index;

    /// <summary>The whole snapshot this one patches; null for a whole snapshot. Known once <see cref="Completion"/> has run.</summary>
    public string? BaseName { get; private set; }

    /// <summary>The entry count of <see cref="BaseName"/>, as the patch recorded it.</summary>
    internal long BaseEntryCount { get; private set; }

    private Dictionary<long, int>? _positions;

    /// <summary>The position of <paramref name="id"/>, or a negative number when absent. Only once loaded (<see cref="Completion"/>).</summary>
    public int IndexOf(long id)
    {
        if (!_loading.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The snapshot is still loading: await its Completion before looking ids up.");
        }

        // A hash lookup: a binary search over millions of ids costs a cache miss per step.
        _positions ??= BuildPositions();
        return _positions.TryGetValue(id, out int at) ? at : -1;
    }

    private Dictionary<long, int> BuildPositions()
    {
        var positions = new Dictionary<long, int>(_count);
        for (int i = 0; i < _count; i++)
        {
            positions[_ids[i]] = i;
        }

        return positions;
    }

    /// <summary>Waits until at least <paramref name="count"/> entries are loaded, or the load has ended with fewer.</summary>
    public async ValueTask WaitForAsync(int count)
    {
        while (Loaded < count)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Loaded >= count)
            {
                return;
            }

            if (_loading.IsCompleted)
            {
                await _loading.ConfigureAwait(false); // a failed load fails its reader
                return;
            }

            // The load's own task, not a last signal from inside it, says that it ended: no wait can outlive it.
            await Task.WhenAny(progress, _loading).ConfigureAwait(false);
        }
    }

    internal static void WriteHeader(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, KeyedMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 0);
    }

    /// <summary>One entry as stored: the element id, then the checksum key, little-endian.</summary>
    internal static void WriteEntry(Span<byte> entry, long id, ulong key)
    {
        BinaryPrimitives.WriteInt64LittleEndian(entry, id);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], key);
    }

    /// <summary>
    /// Stored entries of <paramref name="entryBytes"/> each into the arrays from position <paramref name="at"/> on. A wide
    /// entry's checksum is a little-endian uint128, so its first eight bytes are the key, where a keyed entry has it.
    /// </summary>
    private void ReadEntries(ReadOnlySpan<byte> entries, int entryBytes, int at)
    {
        for (int i = 0; i < entries.Length / entryBytes; i++)
        {
            var entry = entries.Slice(i * entryBytes, entryBytes);
            _ids[at + i] = BinaryPrimitives.ReadInt64LittleEndian(entry);
            _checksums[at + i] = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
        }
    }

    /// <summary>A patch's header: magic, reserved, its base's name and entry count.</summary>
    internal static byte[] PatchHeader(string baseName, long baseCount)
    {
        int nameLength = System.Text.Encoding.UTF8.GetByteCount(baseName);
        var header = new byte[HeaderBytes + 4 + nameLength + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, PatchMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), nameLength);
        System.Text.Encoding.UTF8.GetBytes(baseName, header.AsSpan(12));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(12 + nameLength), baseCount);
        return header;
    }

    /// <summary>
    /// Starts loading a snapshot blob in the background; <paramref name="expectedCount"/> (the count its commit
    /// recorded) sizes the arrays. Dispose it to stop a load no longer needed.
    /// </summary>
    public static Snapshot Open(IBlobStore blobs, string name, long expectedCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        return new Snapshot(blobs, name, expectedCount, cancellationToken);
    }

    /// <summary>Reads a whole snapshot blob; <paramref name="expectedCount"/> (the count its commit recorded) sizes the arrays.</summary>
    public static async Task<Snapshot> LoadAsync(IBlobStore blobs, string name, long expectedCount, CancellationToken cancellationToken)
    {
        var snapshot = Open(blobs, name, expectedCount, cancellationToken);
        try
        {
            await snapshot.Completion.ConfigureAwait(false);
            return snapshot;
        }
        finally
        {
            // Loaded (or failed) whole: nothing is left to stop.
            snapshot._stop?.Dispose();
            snapshot._stop = null;
        }
    }

    /// <summary>Stops a load still running and waits for it to let go of the blob.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is not { } stop)
        {
            return;
        }

        _stop = null;
        await stop.CancelAsync().ConfigureAwait(false);
        await _loading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    private async Task FillAsync(IBlobStore blobs, string name, CancellationToken cancellationToken)
    {
        await using var stream = await blobs.OpenReadAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Snapshot '{name}' is missing.");
        var header = new byte[HeaderBytes];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic is PatchMagic or WidePatchMagic)
        {
            await FillFromPatchAsync(blobs, name, stream, magic == PatchMagic ? EntryBytes : WideEntryBytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        int? count = magic switch
        {
            CountedMagic => BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)),
            StreamedMagic or KeyedMagic => null,
            _ => throw new InvalidDataException($"'{name}' is not a snapshot."),
        };
        int entryBytes = magic == KeyedMagic ? EntryBytes : WideEntryBytes;
        var buffer = new byte[entryBytes * EntriesPerRead];
        int done = 0;
        while (count is null || done < count)
        {
            int want = count is { } c ? Math.Min(EntriesPerRead, c - done) * entryBytes : buffer.Length;
            int read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: count is not null, cancellationToken).ConfigureAwait(false);
            if (read % entryBytes != 0)
            {
                throw new InvalidDataException($"Snapshot '{name}' ends inside an entry.");
            }

            int entries = read / entryBytes;
            if (done + entries > _ids.Length)
            {
                Grow(done, done + entries);
            }

            ReadEntries(buffer.AsSpan(0, read), entryBytes, done);
            done += entries;
            Publish(done);
            if (read < want)
            {
                break;
            }
        }

        Volatile.Write(ref _count, done);
    }

    /// <summary>
    /// A patch: its base loads on its own task while the records are applied in order, each copy waiting only for
    /// the base entries it takes, so a diff still starts on the first entries while the rest arrive.
    /// </summary>
    private async Task FillFromPatchAsync(IBlobStore blobs, string name, Stream stream, int entryBytes, CancellationToken cancellationToken)
    {
        var word = new byte[8];
        await stream.ReadExactlyAsync(word.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        int nameLength = BinaryPrimitives.ReadInt32LittleEndian(word);
        if (nameLength is <= 0 or > 4096)
        {
            throw new InvalidDataException($"Snapshot patch '{name}' names no base.");
        }

        var nameBytes = new byte[nameLength];
        await stream.ReadExactlyAsync(nameBytes, cancellationToken).ConfigureAwait(false);
        BaseName = System.Text.Encoding.UTF8.GetString(nameBytes);
        await stream.ReadExactlyAsync(word, cancellationToken).ConfigureAwait(false);
        long baseCount = BinaryPrimitives.ReadInt64LittleEndian(word);
        BaseEntryCount = baseCount;
        Volatile.Write(ref _origins, new int[_ids.Length]);
        await using var whole = Open(blobs, BaseName, baseCount, cancellationToken);
        var buffer = new byte[entryBytes * EntriesPerRead];
        int done = 0, published = 0;
        while (true)
        {
            int read = await stream.ReadAtLeastAsync(word, word.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (read < word.Length)
            {
                throw new InvalidDataException($"Snapshot patch '{name}' ends inside a record.");
            }

            int start = BinaryPrimitives.ReadInt32LittleEndian(word);
            int count = BinaryPrimitives.ReadInt32LittleEndian(word.AsSpan(4));
            if (count < 0 || start < LiteralRecord || (long)start + count > int.MaxValue || (long)done + count > Array.MaxLength)
            {
                throw new InvalidDataException($"Snapshot patch '{name}' has a malformed record.");
            }

            if (done + count > _ids.Length)
            {
                Grow(done, done + count);
            }

            if (start == LiteralRecord)
            {
                for (int taken = 0; taken < count;)
                {
                    int entries = Math.Min(EntriesPerRead, count - taken);
                    await stream.ReadExactlyAsync(buffer.AsMemory(0, entries * entryBytes), cancellationToken).ConfigureAwait(false);
                    ReadEntries(buffer.AsSpan(0, entries * entryBytes), entryBytes, done);
                    _origins.AsSpan(done, entries).Fill(-1);

                    done += entries;
                    taken += entries;
                    published = PublishEvery(done, published);
                }

                continue;
            }

            // Copied as the base arrives: one long copy must not hold its first entries back until the base is whole.
            for (int copied = 0; copied < count;)
            {
                int from = start + copied;
                if (whole.Loaded <= from)
                {
                    Publish(published = done); // readers need not wait for the base on entries already here
                    await whole.WaitForAsync(from + 1).ConfigureAwait(false);
                    if (whole.Loaded <= from)
                    {
                        throw new InvalidDataException($"Snapshot patch '{name}' copies entries its base '{BaseName}' does not have.");
                    }
                }

                int slice = Math.Min(count - copied, whole.Loaded - from);
                Array.Copy(Volatile.Read(ref whole._ids), from, _ids, done, slice);
                Array.Copy(Volatile.Read(ref whole._checksums), from, _checksums, done, slice);
                for (int i = 0; i < slice; i++)
                {
                    _origins![done + i] = from + i;
                }

                done += slice;
                copied += slice;
                published = PublishEvery(done, published);
            }
        }

        Publish(done);
        Volatile.Write(ref _count, done);
    }

    /// <summary>Publishes in steps of a read's worth of entries: a patch of many short records would otherwise signal per record.</summary>
    private int PublishEvery(int done, int published)
    {
        if (done - published < EntriesPerRead)
        {
            return published;
        }

        Publish(done);
        return done;
    }

    /// <summary>Entries beyond the expected count: larger arrays, published before the entries in them.</summary>
    private void Grow(int done, int needed)
    {
        int capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)_ids.Length * 2, needed));
        var ids = new long[capacity];
        var checksums = new ulong[capacity];
        Array.Copy(_ids, ids, done);
        Array.Copy(_checksums, checksums, done);
        if (_origins is { } origins)
        {
            var grown = new int[capacity];
            Array.Copy(origins, grown, done);
            Volatile.Write(ref _origins, grown);
        }

        Volatile.Write(ref _ids, ids);
        Volatile.Write(ref _checksums, checksums);
        Volatile.Write(ref _count, capacity);
    }

    private void Publish(int loaded)
    {
        Volatile.Write(ref _loaded, loaded);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
