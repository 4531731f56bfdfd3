using System.Buffers.Binary;
using Sync.Engine.Changes;
using Sync.Engine.Tests.Support;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class SnapshotTests
{
    [TestMethod]
    public async Task A_streamed_snapshot_of_several_chunks_reads_back_in_the_order_written()
    {
        string name = $"snapshots/{Guid.NewGuid():N}";
        const int count = 600_000; // more than two 4 MiB chunks
        var writer = await SnapshotWriter.OpenAsync(Blobs, name, CancellationToken.None);
        for (int i = 0; i < count; i++)
        {
            await writer.AddAsync(Id(i), Checksum(i), CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        Assert.AreEqual(count, writer.Count);

        // The expected count only sizes the arrays: a wrong hint still reads every entry.
        foreach (long hint in new long[] { count, 10, 0 })
        {
            var snapshot = await Snapshot.LoadAsync(Blobs, name, hint, CancellationToken.None);
            Assert.AreEqual(count, snapshot.Count);
            foreach (int i in new[] { 0, 1, 262_142, 262_143, 524_286, 524_287, count - 1 })
            {
                Assert.AreEqual(Id(i), snapshot.IdAt(i));
                Assert.AreEqual(Checksum(i), snapshot.ChecksumAt(i));
                Assert.AreEqual(i, snapshot.IndexOf(Id(i)));
            }

            Assert.IsLessThan(0, snapshot.IndexOf(-5));
        }
    }

    [TestMethod]
    public async Task An_opened_snapshot_can_be_read_in_order_while_it_loads()
    {
        string name = $"snapshots/{Guid.NewGuid():N}";
        const int count = 300_000;
        var writer = await SnapshotWriter.OpenAsync(Blobs, name, CancellationToken.None);
        for (int i = 0; i < count; i++)
        {
            await writer.AddAsync(Id(i), Checksum(i), CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);

        // Reads stop after the header and two of the loader's reads until released: the reader is provably part-way through.
        const int open = 2 * Snapshot.EntriesPerRead;
        var gated = new GatedBlobStore(Blobs, Snapshot.HeaderBytes + (open * Snapshot.EntryBytes));
        await using var snapshot = Snapshot.Open(gated, name, count, CancellationToken.None);
        Assert.AreEqual(count, snapshot.Count);
        await snapshot.WaitForAsync(open).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual(open, snapshot.Loaded, "the entries before the gate are readable while the rest has not arrived");
        Assert.IsFalse(snapshot.Completion.IsCompleted);
        Assert.ThrowsExactly<InvalidOperationException>(() => snapshot.IndexOf(Id(0)), "the hash table needs the whole snapshot");
        for (int i = 0; i < open; i++)
        {
            Assert.AreEqual(Id(i), snapshot.IdAt(i));
            Assert.AreEqual(Checksum(i), snapshot.ChecksumAt(i));
        }

        var waiting = snapshot.WaitForAsync(count).AsTask();
        Assert.IsFalse(waiting.IsCompleted, "a reader waits for entries not loaded yet");
        gated.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        await snapshot.Completion;
        Assert.AreEqual(count, snapshot.Loaded);
        Assert.AreEqual(Id(count - 1), snapshot.IdAt(count - 1));
        Assert.AreEqual(count - 1, snapshot.IndexOf(Id(count - 1)));
    }

    [TestMethod]
    public async Task A_missing_or_short_snapshot_releases_its_readers_and_a_disposed_one_stops_loading()
    {
        // Repeated: a reader must never wait on a load that has already ended (a race once hung here).
        for (int i = 0; i < 20; i++)
        {
            await using var missing = Snapshot.Open(Blobs, $"snapshots/{Guid.NewGuid():N}", 10, CancellationToken.None);
            await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await missing.WaitForAsync(1));
            await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => missing.Completion);
        }

        string name = $"snapshots/{Guid.NewGuid():N}";
        var writer = await SnapshotWriter.OpenAsync(Blobs, name, CancellationToken.None);
        for (int i = 0; i < 200_000; i++)
        {
            await writer.AddAsync(Id(i), Checksum(i), CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        // A commit that expected more entries than the blob holds: a reader waiting for them is released at the end.
        for (int i = 0; i < 5; i++)
        {
            await using var shorter = Snapshot.Open(Blobs, name, 300_000, CancellationToken.None);
            await shorter.WaitForAsync(250_000).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.AreEqual(200_000, shorter.Loaded);
            Assert.AreEqual(200_000, shorter.Count);
        }

        var stopped = Snapshot.Open(Blobs, name, 200_000, CancellationToken.None);
        await stopped.DisposeAsync();
        Assert.IsTrue(stopped.Completion.IsCompleted, "disposal waits for the load to let go of the blob");
        await stopped.DisposeAsync(); // twice is harmless
    }

    [TestMethod]
    public async Task An_empty_snapshot_reads_back_empty()
    {
        string name = $"snapshots/{Guid.NewGuid():N}";
        var writer = await SnapshotWriter.OpenAsync(Blobs, name, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        Assert.AreEqual(0, (await Snapshot.LoadAsync(Blobs, name, 0, CancellationToken.None)).Count);
    }

    [TestMethod]
    public async Task Snapshots_written_before_streaming_with_their_count_in_the_header_still_read()
    {
        string name = $"snapshots/{Guid.NewGuid():N}";
        var bytes = new byte[8 + (3 * 24)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x53594E31); // "SYN1"
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 3);
        for (int i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 + (i * 24)), Id(i));
            BinaryPrimitives.WriteUInt128LittleEndian(bytes.AsSpan(16 + (i * 24)), WideChecksum(i));
        }

        await WriteAsync(name, bytes);
        var snapshot = await Snapshot.LoadAsync(Blobs, name, 0, CancellationToken.None);
        Assert.AreEqual(3, snapshot.Count);
        Assert.AreEqual(Id(2), snapshot.IdAt(2));
        Assert.AreEqual(Checksum(1), snapshot.ChecksumAt(1));
    }

    [TestMethod]
    public async Task Snapshots_and_patches_that_held_whole_checksums_read_as_keys_and_take_keyed_patches()
    {
        // A whole snapshot of three wide entries ("SYN2"), and a wide patch on it ("SYP1"): entries 0 and 1 copied, then one of its own.
        string whole = $"snapshots/{Guid.NewGuid():N}";
        var bytes = new byte[8 + (3 * 24)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x53594E32);
        for (int i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 + (i * 24)), Id(i));
            BinaryPrimitives.WriteUInt128LittleEndian(bytes.AsSpan(16 + (i * 24)), WideChecksum(i));
        }

        await WriteAsync(whole, bytes);
        byte[] baseName = System.Text.Encoding.UTF8.GetBytes(whole);
        var patchBytes = new byte[8 + 4 + baseName.Length + 8 + 8 + 8 + 24];
        BinaryPrimitives.WriteUInt32LittleEndian(patchBytes, 0x53595031);
        BinaryPrimitives.WriteInt32LittleEndian(patchBytes.AsSpan(8), baseName.Length);
        baseName.CopyTo(patchBytes.AsSpan(12));
        int at = 12 + baseName.Length;
        BinaryPrimitives.WriteInt64LittleEndian(patchBytes.AsSpan(at), 3);
        BinaryPrimitives.WriteInt32LittleEndian(patchBytes.AsSpan(at + 8), 0);
        BinaryPrimitives.WriteInt32LittleEndian(patchBytes.AsSpan(at + 12), 2);
        BinaryPrimitives.WriteInt32LittleEndian(patchBytes.AsSpan(at + 16), -1);
        BinaryPrimitives.WriteInt32LittleEndian(patchBytes.AsSpan(at + 20), 1);
        BinaryPrimitives.WriteInt64LittleEndian(patchBytes.AsSpan(at + 24), Id(9));
        BinaryPrimitives.WriteUInt128LittleEndian(patchBytes.AsSpan(at + 32), WideChecksum(9));
        string widePatch = $"snapshots/{Guid.NewGuid():N}";
        await WriteAsync(widePatch, patchBytes);

        var read = await Snapshot.LoadAsync(Blobs, widePatch, 3, CancellationToken.None);
        AssertEntries([(Id(0), Checksum(0), 0), (Id(1), Checksum(1), 1), (Id(9), Checksum(9), -1)], read);
        Assert.AreEqual(whole, read.BaseName);

        // A keyed patch of that patch still stands on the wide whole snapshot: entry 1 changes, the rest is as read.
        string keyed = $"snapshots/{Guid.NewGuid():N}";
        // (A patch limit as for a thousand entries: three are too few to keep any patch.)
        var writer = SnapshotWriter.OpenPatch(Blobs, keyed, read, widePatch, 1000);
        await writer.AddAsync(Id(0), Checksum(0), 0, CancellationToken.None);
        await writer.AddAsync(Id(1), Checksum(-1), -1, CancellationToken.None);
        await writer.AddAsync(Id(9), Checksum(9), 2, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        Assert.AreEqual(whole, writer.PatchBase);
        AssertEntries([(Id(0), Checksum(0), 0), (Id(1), Checksum(-1), -1), (Id(9), Checksum(9), -1)], await Snapshot.LoadAsync(Blobs, keyed, 3, CancellationToken.None));
    }

    [TestMethod]
    public async Task A_snapshot_cut_inside_an_entry_or_of_another_kind_is_refused()
    {
        string cut = $"snapshots/{Guid.NewGuid():N}";
        var bytes = new byte[8 + 24 + 10];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x53594E32); // "SYN2"
        await WriteAsync(cut, bytes);
        await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Snapshot.LoadAsync(Blobs, cut, 1, CancellationToken.None));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x53594E33); // "SYN3": 16-byte entries, 34 bytes after the header
        await WriteAsync(cut, bytes);
        await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Snapshot.LoadAsync(Blobs, cut, 1, CancellationToken.None));

        string other = $"snapshots/{Guid.NewGuid():N}";
        await WriteAsync(other, "{\"json\":true}"u8.ToArray());
        await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Snapshot.LoadAsync(Blobs, other, 1, CancellationToken.None));
    }

    [TestMethod]
    public async Task An_abandoned_writer_commits_no_blob()
    {
        string name = $"snapshots/{Guid.NewGuid():N}";
        var writer = await SnapshotWriter.OpenAsync(Blobs, name, CancellationToken.None);
        for (int i = 0; i < 200_000; i++)
        {
            await writer.AddAsync(Id(i), Checksum(i), CancellationToken.None);
        }

        await writer.AbandonAsync();
        Assert.IsNull(await Blobs.GetSizeAsync(name, CancellationToken.None));
    }

    [TestMethod]
    public async Task A_patch_keeps_the_base_s_unchanged_entries_as_copies_and_reads_back_as_the_new_order()
    {
        const int count = 20_000;
        string whole = await WholeAsync(count);
        var baseline = await Snapshot.LoadAsync(Blobs, whole, count, CancellationToken.None);

        // The new file: entry 0 deleted, 5 changed, a new one after 100, the rest unchanged.
        var expected = new List<(long Id, ulong Checksum, int Origin)>();
        string patch = $"snapshots/{Guid.NewGuid():N}";
        var writer = SnapshotWriter.OpenPatch(Blobs, patch, baseline, whole, count);
        for (int i = 1; i < count; i++)
        {
            bool changed = i == 5;
            var checksum = changed ? Checksum(-i) : Checksum(i);
            await writer.AddAsync(Id(i), checksum, changed ? -1 : i, CancellationToken.None);
            expected.Add((Id(i), checksum, changed ? -1 : i));
            if (i == 100)
            {
                await writer.AddAsync(Id(count + 1), Checksum(count + 1), CancellationToken.None);
                expected.Add((Id(count + 1), Checksum(count + 1), -1));
            }
        }

        await writer.CompleteAsync(CancellationToken.None);
        Assert.AreEqual(whole, writer.PatchBase);
        Assert.AreEqual(expected.Count, writer.Count);
        Assert.IsLessThan(200L, (await Blobs.GetSizeAsync(patch, CancellationToken.None))!.Value, "four copy records, two entries of its own and the header");

        var read = await Snapshot.LoadAsync(Blobs, patch, expected.Count, CancellationToken.None);
        AssertEntries(expected, read);
        Assert.AreEqual(whole, read.BaseName);

        // A patch of that patch stands on the same whole snapshot: entry 7 changes too, the rest is as read.
        string second = $"snapshots/{Guid.NewGuid():N}";
        var next = SnapshotWriter.OpenPatch(Blobs, second, read, patch, read.Count);
        var expectedNext = new List<(long Id, ulong Checksum, int Origin)>();
        for (int at = 0; at < read.Count; at++)
        {
            bool changed = read.IdAt(at) == Id(7);
            var checksum = changed ? Checksum(-7) : read.ChecksumAt(at);
            await next.AddAsync(read.IdAt(at), checksum, changed ? -1 : at, CancellationToken.None);
            expectedNext.Add((read.IdAt(at), checksum, changed ? -1 : read.OriginAt(at)));
        }

        await next.CompleteAsync(CancellationToken.None);
        Assert.AreEqual(whole, next.PatchBase, "a patch's base is always a whole snapshot");
        AssertEntries(expectedNext, await Snapshot.LoadAsync(Blobs, second, 0, CancellationToken.None));
    }

    [TestMethod]
    public async Task A_patch_that_outgrows_a_quarter_of_a_whole_snapshot_is_written_whole()
    {
        const int count = 4_000;
        string whole = await WholeAsync(count);
        var baseline = await Snapshot.LoadAsync(Blobs, whole, count, CancellationToken.None);
        string name = $"snapshots/{Guid.NewGuid():N}";
        var writer = SnapshotWriter.OpenPatch(Blobs, name, baseline, whole, count);
        var expected = new List<(long Id, ulong Checksum, int Origin)>();
        for (int i = 0; i < count; i++)
        {
            bool changed = i % 3 == 0; // a third changed: past the limit part-way through
            var checksum = changed ? Checksum(-i) : Checksum(i);
            await writer.AddAsync(Id(i), checksum, changed ? -1 : i, CancellationToken.None);
            expected.Add((Id(i), checksum, i));
        }

        await writer.CompleteAsync(CancellationToken.None);
        Assert.IsNull(writer.PatchBase);
        Assert.AreEqual(Snapshot.HeaderBytes + (count * Snapshot.EntryBytes), await Blobs.GetSizeAsync(name, CancellationToken.None));
        var read = await Snapshot.LoadAsync(Blobs, name, count, CancellationToken.None);
        Assert.IsNull(read.BaseName);
        AssertEntries(expected, read);
    }

    [TestMethod]
    public async Task A_patch_read_while_its_base_loads_gives_its_first_entries_before_the_base_s_last()
    {
        const int count = 300_000;
        string whole = await WholeAsync(count);
        string patch = await PatchAsync(whole, count, changed: count - 1);

        // The patch itself is small: the gate stops the base's download after its first reads.
        const int open = 2 * Snapshot.EntriesPerRead;
        var gated = new GatedBlobStore(Blobs, Snapshot.HeaderBytes + (open * Snapshot.EntryBytes), name => name == whole);
        await using var snapshot = Snapshot.Open(gated, patch, count, CancellationToken.None);
        await snapshot.WaitForAsync(open).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsFalse(snapshot.Completion.IsCompleted);
        Assert.AreEqual(Id(open - 1), snapshot.IdAt(open - 1));
        gated.Release();
        await snapshot.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual(count, snapshot.Count);
        Assert.AreEqual(Checksum(-(count - 1)), snapshot.ChecksumAt(count - 1));
        Assert.AreEqual(-1, snapshot.OriginAt(count - 1));
    }

    [TestMethod]
    public async Task A_patch_whose_base_is_gone_or_shorter_than_its_copies_is_refused()
    {
        const int count = 2_000;
        string whole = await WholeAsync(count);
        string patch = await PatchAsync(whole, count, changed: -1);

        // The base replaced by a shorter one: the copies point past its end.
        await WholeAsync(10, whole);
        await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Snapshot.LoadAsync(Blobs, patch, count, CancellationToken.None));

        await Blobs.DeleteIfExistsAsync(whole, CancellationToken.None);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => Snapshot.LoadAsync(Blobs, patch, count, CancellationToken.None));
    }

    /// <summary>A patch on a whole snapshot of <paramref name="count"/> entries, the same but for one entry's checksum (none: -1).</summary>
    private static async Task<string> PatchAsync(string whole, int count, int changed)
    {
        var baseline = await Snapshot.LoadAsync(Blobs, whole, count, CancellationToken.None);
        string patch = $"snapshots/{Guid.NewGuid():N}";
        var writer = SnapshotWriter.OpenPatch(Blobs, patch, baseline, whole, count);
        for (int i = 0; i < count; i++)
        {
            await writer.AddAsync(Id(i), i == changed ? Checksum(-i) : Checksum(i), i == changed ? -1 : i, CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        Assert.AreEqual(whole, writer.PatchBase);
        return patch;
    }

    private static async Task<string> WholeAsync(int count, string? name = null)
    {
        name ??= $"snapshots/{Guid.NewGuid():N}";
        var writer = await SnapshotWriter.OpenAsync(Blobs, name, CancellationToken.None);
        for (int i = 0; i < count; i++)
        {
            await writer.AddAsync(Id(i), Checksum(i), CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        return name;
    }

    private static void AssertEntries(List<(long Id, ulong Checksum, int Origin)> expected, Snapshot read)
    {
        Assert.AreEqual(expected.Count, read.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i].Id, read.IdAt(i), $"id at {i}");
            Assert.AreEqual(expected[i].Checksum, read.ChecksumAt(i), $"checksum at {i}");
            Assert.AreEqual(expected[i].Origin, read.OriginAt(i), $"origin at {i}");
        }
    }

    private static long Id(int i) => (i * 2_654_435_761L) + 1;

    /// <summary>An element's whole checksum, as snapshots before keys held it; its low half (~i) is the key.</summary>
    private static UInt128 WideChecksum(int i) => new((ulong)i, ~(ulong)i);

    private static ulong Checksum(int i) => Snapshot.Key(WideChecksum(i));

    private static async Task WriteAsync(string name, byte[] bytes)
    {
        await using var stream = await Blobs.OpenWriteAsync(name, CancellationToken.None);
        await stream.WriteAsync(bytes);
    }
}
