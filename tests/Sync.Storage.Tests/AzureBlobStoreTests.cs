using System.Text;

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

    private async Task WriteAsync(string name)
    {
        await using var stream = await _blobs.OpenWriteAsync(name, CancellationToken.None);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(name));
    }
}
