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
/// <para>
/// A snapshot <see cref="Open"/>ed from its blob fills in the background: a diff reads the entries already loaded
/// (<see cref="Loaded"/>, <see cref="WaitForAsync"/>) while the connector parses, instead of waiting for the whole
/// download first. Entries are published in order: everything below <see cref="Loaded"/> is final.
/// </para>
/// <para>
/// Blob layout: "SYN2", 4 reserved bytes, then entries to the end. Snapshots written before streaming ("SYN1")
/// carry an entry count after the magic and are still read.
/// </para>
/// </remarks>
public sealed class Snapshot : IAsyncDisposable
{
    internal const int HeaderBytes = 8;
    internal const int EntryBytes = 24;
    internal const int EntriesPerRead = 4096;
    private const uint CountedMagic = 0x53594E31; // "SYN1": count in the header
    private const uint StreamedMagic = 0x53594E32; // "SYN2": entries to the end of the blob
    private CancellationTokenSource? _stop;
    private readonly Task _loading;
    private long[] _ids;
    private UInt128[] _checksums;
    private int _count;
    private int _loaded;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Snapshot(long[] ids, UInt128[] checksums)
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
        _checksums = new UInt128[capacity];
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

    public UInt128 ChecksumAt(int index) => Volatile.Read(ref _checksums)[index];

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
        BinaryPrimitives.WriteUInt32LittleEndian(header, StreamedMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 0);
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
        int? count = magic switch
        {
            CountedMagic => BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)),
            StreamedMagic => null,
            _ => throw new InvalidDataException($"'{name}' is not a snapshot."),
        };
        var buffer = new byte[EntryBytes * EntriesPerRead];
        int done = 0;
        while (count is null || done < count)
        {
            int want = count is { } c ? Math.Min(EntriesPerRead, c - done) * EntryBytes : buffer.Length;
            int read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: count is not null, cancellationToken).ConfigureAwait(false);
            if (read % EntryBytes != 0)
            {
                throw new InvalidDataException($"Snapshot '{name}' ends inside an entry.");
            }

            int entries = read / EntryBytes;
            if (done + entries > _ids.Length)
            {
                Grow(done, done + entries);
            }

            for (int i = 0; i < entries; i++)
            {
                var span = buffer.AsSpan(i * EntryBytes, EntryBytes);
                _ids[done + i] = BinaryPrimitives.ReadInt64LittleEndian(span);
                _checksums[done + i] = BinaryPrimitives.ReadUInt128LittleEndian(span[8..]);
            }

            done += entries;
            Publish(done);
            if (read < want)
            {
                break;
            }
        }

        Volatile.Write(ref _count, done);
    }

    /// <summary>Entries beyond the expected count: larger arrays, published before the entries in them.</summary>
    private void Grow(int done, int needed)
    {
        int capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)_ids.Length * 2, needed));
        var ids = new long[capacity];
        var checksums = new UInt128[capacity];
        Array.Copy(_ids, ids, done);
        Array.Copy(_checksums, checksums, done);
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
