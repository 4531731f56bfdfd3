using System.Security.Cryptography;
using Sync.Engine.Stores;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class BlobStorageFileStoreTests
{
    private readonly BlobStorageFileStore _store = new(StorageFixture.Account, StorageFixture.Options);

    [TestMethod]
    public async Task Upload_hashes_while_streaming_and_reads_back()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(50_000);
        var file = await _store.UploadAsync(Guid.NewGuid(), "a.bin", new NonSeekableStream(bytes), CancellationToken.None);
        Assert.AreEqual(bytes.Length, file.Size);
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.ContentHash);

        var opened = await _store.OpenReadAsync(file.Id, CancellationToken.None);
        Assert.IsNotNull(opened);
        await using var content = opened.Value.Content;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        CollectionAssert.AreEqual(bytes, copy.ToArray());
    }

    [TestMethod]
    public async Task An_oversized_upload_leaves_no_blob_and_no_row()
    {
        var iTwinId = Guid.NewGuid();
        byte[] bytes = new byte[StorageFixture.Options.MaxFileBytes + 1];
        await Assert.ThrowsExactlyAsync<ContentTooLargeException>(() => _store.UploadAsync(iTwinId, "big.bin", new NonSeekableStream(bytes), CancellationToken.None));

        var container = StorageFixture.Account.Container(StorageFixture.Account.Names.StorageContainer);
        int blobs = 0;
        await foreach (var _ in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{iTwinId:D}/", CancellationToken.None))
        {
            blobs++;
        }

        Assert.AreEqual(0, blobs);
    }

    [TestMethod]
    public async Task Replacing_content_removes_the_old_version_blob()
    {
        var iTwinId = Guid.NewGuid();
        var v1 = await _store.UploadAsync(iTwinId, "a.bin", new MemoryStream([1]), CancellationToken.None);
        var v2 = await _store.ReplaceContentAsync(v1.Id, new MemoryStream([2, 2]), CancellationToken.None);
        Assert.IsNotNull(v2);
        Assert.AreEqual(2, v2.Version);
        Assert.AreNotEqual(v1.BlobName, v2.BlobName);

        var container = StorageFixture.Account.Container(StorageFixture.Account.Names.StorageContainer);
        Assert.IsFalse((await container.GetBlobClient(v1.BlobName).ExistsAsync()).Value);
        Assert.IsTrue((await container.GetBlobClient(v2.BlobName).ExistsAsync()).Value);
    }

    [TestMethod]
    public async Task Unknown_and_malformed_ids_are_absent()
    {
        Assert.IsNull(await _store.GetAsync("nope", CancellationToken.None));
        Assert.IsNull(await _store.ReplaceContentAsync(Engine.Model.ScopedId.New(Guid.NewGuid()), new MemoryStream([1]), CancellationToken.None));
        Assert.IsFalse(await _store.DeleteAsync(Engine.Model.ScopedId.New(Guid.NewGuid()), CancellationToken.None));
    }

    /// <summary>Like a request body: forward-only, length unknown.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
