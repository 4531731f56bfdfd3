using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class AzureBlobStoreTests
{
    private readonly AzureBlobStore _blobs = new(StorageFixture.Account);

    [TestMethod]
    public async Task Deleting_by_prefix_deletes_that_folder_and_nothing_beside_it()
    {
        string folder = $"purge-test/{Guid.NewGuid():D}";
        string[] inside = [.. Enumerable.Range(0, 30).Select(i => $"{folder}/run-{i % 3}/file-{i}.ndjson.gz"), $"{folder}/top.json"];
        string[] beside = [$"{folder}x/same-start.json", $"purge-test/{Guid.NewGuid():D}/other.json"];
        foreach (string name in inside.Concat(beside))
        {
            await WriteAsync(name);
        }

        Assert.AreEqual(inside.Length, await _blobs.DeleteByPrefixAsync(folder + "/", CancellationToken.None));
        foreach (string name in inside)
        {
            Assert.IsNull(await _blobs.GetSizeAsync(name, CancellationToken.None), name);
        }

        foreach (string name in beside)
        {
            Assert.IsNotNull(await _blobs.GetSizeAsync(name, CancellationToken.None), name);
        }

        Assert.AreEqual(0, await _blobs.DeleteByPrefixAsync(folder + "/", CancellationToken.None), "nothing left to delete");
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => _blobs.DeleteByPrefixAsync(string.Empty, CancellationToken.None), "never the whole container");
    }

    [TestMethod]
    public async Task Writes_of_any_size_make_one_blob_at_disposal_and_a_large_write_passes_through_as_its_own_block()
    {
        const int MiB = 1024 * 1024;
        string name = $"upload-test/{Guid.NewGuid():N}";
        var data = new byte[(13 * MiB) + 100_000];
        // Written as 5 MiB, 100 × 1,000 bytes, 6 MiB, then 2 MiB by the synchronous path.
        new Random(7).NextBytes(data);
        var stream = await _blobs.OpenWriteAsync(name, CancellationToken.None);
        await using (stream)
        {
            await stream.WriteAsync(data.AsMemory(0, 5 * MiB));
            int at = 5 * MiB;
            for (int i = 0; i < 100; i++, at += 1_000)
            {
                await stream.WriteAsync(data.AsMemory(at, 1_000));
            }

            await stream.WriteAsync(data.AsMemory(at, 6 * MiB));
            at += 6 * MiB;
            stream.Write(data, at, 2 * MiB);
            Assert.IsNull(await _blobs.GetSizeAsync(name, CancellationToken.None), "nothing is visible before the commit");
        }

        await using (var read = (await _blobs.OpenReadAsync(name, CancellationToken.None))!)
        using (var copy = new MemoryStream())
        {
            await read.CopyToAsync(copy);
            CollectionAssert.AreEqual(data, copy.ToArray());
        }

        var blocks = await StorageFixture.Account.Container(StorageFixture.Account.Names.SyncContainer).GetBlockBlobClient(name).GetBlockListAsync(BlockListTypes.Committed);
        CollectionAssert.AreEqual(new long[] { 5 * MiB, 100_000, 6 * MiB, 2 * MiB }, blocks.Value.CommittedBlocks.Select(b => b.SizeLong).ToArray());
    }

    [TestMethod]
    public async Task A_rewrite_leaves_the_old_content_until_it_is_disposed_and_an_empty_one_makes_an_empty_blob()
    {
        string name = $"upload-test/{Guid.NewGuid():N}";
        await WriteAsync(name);
        long size = Encoding.UTF8.GetByteCount(name);
        var rewrite = await _blobs.OpenWriteAsync(name, CancellationToken.None);
        await using (rewrite)
        {
            await rewrite.WriteAsync(new byte[5 * 1024 * 1024]);
            Assert.AreEqual(size, await _blobs.GetSizeAsync(name, CancellationToken.None), "the old content stays current");
        }

        Assert.AreEqual(5L * 1024 * 1024, await _blobs.GetSizeAsync(name, CancellationToken.None));
        await using (await _blobs.OpenWriteAsync(name, CancellationToken.None))
        {
        }

        Assert.AreEqual(0L, await _blobs.GetSizeAsync(name, CancellationToken.None));
    }

    [TestMethod]
    public async Task Less_than_a_block_is_uploaded_in_one_request_with_its_md5()
    {
        string name = $"upload-test/{Guid.NewGuid():N}";
        byte[] content = Encoding.UTF8.GetBytes("Tag,Flow\nF-1,1\n");
        var stream = await _blobs.OpenWriteAsync(name, CancellationToken.None);
        await using (stream)
        {
            await stream.WriteAsync(content.AsMemory(0, 4));
            await stream.WriteAsync(content.AsMemory(4));
            Assert.IsNull(await _blobs.GetSizeAsync(name, CancellationToken.None), "nothing is sent before disposal");
        }

        var blob = StorageFixture.Account.Container(StorageFixture.Account.Names.SyncContainer).GetBlockBlobClient(name);
        var blocks = await blob.GetBlockListAsync(BlockListTypes.All);
        Assert.AreEqual(0, blocks.Value.CommittedBlocks.Count() + blocks.Value.UncommittedBlocks.Count(), "a Put Blob, no blocks staged");
        var properties = await blob.GetPropertiesAsync();
#pragma warning disable CA5351 // The Blob service's transfer checksum.
        CollectionAssert.AreEqual(System.Security.Cryptography.MD5.HashData(content), properties.Value.ContentHash);
#pragma warning restore CA5351
        Assert.AreEqual(content.Length, properties.Value.ContentLength);
    }

    private async Task WriteAsync(string name)
    {
        await using var stream = await _blobs.OpenWriteAsync(name, CancellationToken.None);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(name));
    }
}
