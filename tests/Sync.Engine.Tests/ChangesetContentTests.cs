using System.Globalization;
using System.IO.Compression;
using System.Text;
using Sync.Engine.Changes;
using Sync.Engine.Stores;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class ChangesetContentTests
{
    private const string OldPart = "{\"op\":\"schema\",\"class\":\"A:B\",\"properties\":{}}\n";
    private const string NewPart = "{\"op\":\"delete\",\"id\":\"0x1\",\"sourceFileId\":\"f\"}\n{\"op\":\"delete\",\"id\":\"0x2\",\"sourceFileId\":\"f\"}\n";

    [TestMethod]
    public async Task Staged_parts_are_zstd_and_a_changeset_mixing_them_with_gzip_parts_from_before_reads_as_one()
    {
        var blobs = Blobs;
        string prefix = $"content-tests/{Guid.NewGuid():N}";

        // A part written the old way (gzip) and one written now (the writer's coding).
        await using (var gzip = new GZipStream(await blobs.OpenWriteAsync($"{prefix}/old", CancellationToken.None), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(OldPart));
        }

        await using (var writer = new ChangeLineWriter(await blobs.OpenWriteAsync($"{prefix}/new", CancellationToken.None)))
        {
            await writer.WriteDeleteAsync(1, "f", CancellationToken.None);
            await writer.WriteDeleteAsync(2, "f", CancellationToken.None);
        }

        await using (var stored = (await blobs.OpenReadAsync($"{prefix}/new", CancellationToken.None))!)
        {
            var magic = new byte[4];
            await stored.ReadExactlyAsync(magic);
            CollectionAssert.AreEqual(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, magic, "the writer stores zstd frames");
        }

        var changeset = new ChangesetRecord(1, new string('a', 40), null, "mixed", DateTimeOffset.UtcNow, 0, 0, 0, 0, 2, [$"{prefix}/old", $"{prefix}/new"], new SynchronizationInfo("run", null, []));
        await using (var lines = ChangesetContent.OpenLines(blobs, changeset))
        using (var reader = new StreamReader(lines, Encoding.UTF8))
        {
            Assert.AreEqual(OldPart + NewPart, await reader.ReadToEndAsync());
        }

        foreach (var coding in Enum.GetValues<ContentCoding>())
        {
            using var sent = new MemoryStream();
            await ChangesetContent.WriteAsync(blobs, changeset, coding, sent, CancellationToken.None);
            sent.Position = 0;
            Stream decoded = coding switch
            {
                ContentCoding.Zstd => new ZstdSharp.DecompressionStream(sent),
                ContentCoding.Gzip => new GZipStream(sent, CompressionMode.Decompress),
                _ => sent,
            };
            using var reader = new StreamReader(decoded, Encoding.UTF8);
            Assert.AreEqual(OldPart + NewPart, await reader.ReadToEndAsync(), $"sent as {coding}");
        }
    }

    [TestMethod]
    public async Task A_part_of_several_frames_reads_back_as_its_lines_and_an_empty_part_is_one_empty_frame()
    {
        var blobs = Blobs;
        string prefix = $"content-tests/{Guid.NewGuid():N}";
        var expected = new StringBuilder();
        var writer = new ChangeLineWriter(await blobs.OpenWriteAsync($"{prefix}/big", CancellationToken.None));
        await using (writer)
        {
            // About 2.6 MB of lines: blocks of 1 MiB, a frame each.
            for (long id = 1; id <= 40_000; id++)
            {
                await writer.WriteDeleteAsync(id, "a-source-file", CancellationToken.None);
                expected.Append(CultureInfo.InvariantCulture, $"{{\"op\":\"delete\",\"id\":\"0x{id:x}\",\"sourceFileId\":\"a-source-file\"}}\n");
            }
        }

        byte[] plain = Encoding.UTF8.GetBytes(expected.ToString());
        Assert.AreEqual(Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(plain)), writer.ContentHash, "the hash is of the lines, not of the frames");
        Assert.IsGreaterThanOrEqualTo(3, CountFrames(await ReadAllAsync(blobs, $"{prefix}/big")));
        Assert.AreEqual(writer.CompressedBytes, await blobs.GetSizeAsync($"{prefix}/big", CancellationToken.None));

        await using (new ChangeLineWriter(await blobs.OpenWriteAsync($"{prefix}/empty", CancellationToken.None)))
        {
        }

        Assert.AreEqual(1, CountFrames(await ReadAllAsync(blobs, $"{prefix}/empty")), "an empty part is still zstd");
        var changeset = new ChangesetRecord(1, new string('c', 40), null, "frames", DateTimeOffset.UtcNow, 0, 0, 0, 0, 40_000, [$"{prefix}/big", $"{prefix}/empty"], new SynchronizationInfo("run", null, []));
        await using var lines = ChangesetContent.OpenLines(blobs, changeset);
        using var reader = new StreamReader(lines, Encoding.UTF8);
        Assert.AreEqual(expected.ToString(), await reader.ReadToEndAsync());
    }

    private static async Task<byte[]> ReadAllAsync(IBlobStore blobs, string name)
    {
        await using var stored = (await blobs.OpenReadAsync(name, CancellationToken.None))!;
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The zstd frame magic numbers in a part: its frames (compressed bytes repeat the four only by rare chance).</summary>
    private static int CountFrames(byte[] part)
    {
        int frames = 0;
        for (var rest = part.AsSpan(); rest.IndexOf((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]) is >= 0 and var at; rest = rest[(at + 4)..])
        {
            frames++;
        }

        return frames;
    }

    [TestMethod]
    public async Task A_missing_or_foreign_part_is_an_error_not_silence()
    {
        var blobs = Blobs;
        string prefix = $"content-tests/{Guid.NewGuid():N}";
        await using (var plain = await blobs.OpenWriteAsync($"{prefix}/plain", CancellationToken.None))
        {
            await plain.WriteAsync(Encoding.UTF8.GetBytes(OldPart));
        }

        ChangesetRecord Of(string part) => new(1, new string('b', 40), null, "x", DateTimeOffset.UtcNow, 0, 0, 0, 0, 0, [part], new SynchronizationInfo("run", null, []));
        await Assert.ThrowsExactlyAsync<InvalidDataException>(() => ChangesetContent.WriteAsync(blobs, Of($"{prefix}/plain"), ContentCoding.Gzip, Stream.Null, CancellationToken.None));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => ChangesetContent.WriteAsync(blobs, Of($"{prefix}/gone"), ContentCoding.Gzip, Stream.Null, CancellationToken.None));
    }
}
