using System.Net;
using System.Security.Cryptography;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class StorageFilesApiTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Upload_metadata_download_replace_delete()
    {
        var iTwinId = await Host.CreateITwinAsync();
        byte[] v1 = RandomNumberGenerator.GetBytes(300_000);
        var file = await Host.UploadAsync(iTwinId, "site plan.dxf", v1);
        string id = file.Str("id");
        Assert.AreEqual(43, id.Length);
        Assert.AreEqual("site plan.dxf", file.Str("name"));
        Assert.AreEqual(v1.Length, file.GetProperty("size").GetInt64());
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(v1)), file.Str("contentHash"));
        Assert.AreEqual(1, file.GetProperty("version").GetInt32());

        var (status, meta) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{id}");
        Assert.AreEqual(HttpStatusCode.OK, status);
        Assert.AreEqual(file.Str("contentHash"), meta.GetProperty("file").Str("contentHash"));

        CollectionAssert.AreEqual(v1, await DownloadAsync(id));

        byte[] v2 = RandomNumberGenerator.GetBytes(1000);
        using (var content = new ByteArrayContent(v2))
        {
            var (replaceStatus, replaced) = await Host.SendAsync(HttpMethod.Put, $"/storage/files/{id}/content", content);
            Assert.AreEqual(HttpStatusCode.OK, replaceStatus, replaced.ToString());
            Assert.AreEqual(2, replaced.GetProperty("file").GetProperty("version").GetInt32());
            Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(v2)), replaced.GetProperty("file").Str("contentHash"));
        }

        CollectionAssert.AreEqual(v2, await DownloadAsync(id));

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/files/{id}")).Status);
        (await Host.SendAsync(HttpMethod.Get, $"/storage/files/{id}")).AssertError(HttpStatusCode.NotFound, "FileNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/storage/files/{id}/content")).AssertError(HttpStatusCode.NotFound, "FileNotFound");
    }

    [TestMethod]
    public async Task An_empty_file_is_a_valid_file()
    {
        var file = await Host.UploadAsync(await Host.CreateITwinAsync(), "empty.csv", []);
        Assert.AreEqual(0, file.GetProperty("size").GetInt64());
        Assert.AreEqual(0, (await DownloadAsync(file.Str("id"))).Length);
    }

    [TestMethod]
    public async Task An_oversized_upload_is_refused_and_an_oversized_replacement_keeps_the_current_version()
    {
        var iTwinId = await Host.CreateITwinAsync();
        byte[] tooBig = new byte[SharedHost.MaxFileBytes + 1];
        using (var big = new StreamContent(new MemoryStream(tooBig)))
        {
            // Streamed without a Content-Length, so the limit is enforced while reading.
            big.Headers.ContentLength = null;
            (await Host.SendAsync(HttpMethod.Post, $"/storage/files?iTwinId={iTwinId}&name=big.bin", big)).AssertError(HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");
        }

        byte[] small = [1, 2, 3];
        string id = (await Host.UploadAsync(iTwinId, "small.bin", small)).Str("id");
        using (var big = new ByteArrayContent(tooBig))
        {
            (await Host.SendAsync(HttpMethod.Put, $"/storage/files/{id}/content", big)).AssertError(HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");
        }

        var (_, meta) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{id}");
        Assert.AreEqual(1, meta.GetProperty("file").GetProperty("version").GetInt32());
        CollectionAssert.AreEqual(small, await DownloadAsync(id));
    }

    [TestMethod]
    public async Task Concurrent_replacements_each_get_their_own_version()
    {
        string id = (await Host.UploadAsync(await Host.CreateITwinAsync(), "busy.bin", [0])).Str("id");
        var answers = await Task.WhenAll(Enumerable.Range(1, 6).Select(async i =>
        {
            using var content = new ByteArrayContent([(byte)i]);
            return await Host.SendAsync(HttpMethod.Put, $"/storage/files/{id}/content", content);
        }));
        Assert.IsTrue(answers.All(a => a.Status == HttpStatusCode.OK), string.Join("\n", answers.Select(a => a.Body.ToString())));
        var versions = answers.Select(a => a.Body.GetProperty("file").GetProperty("version").GetInt32()).Order().ToList();
        CollectionAssert.AreEqual(Enumerable.Range(2, 6).ToList(), versions);

        var (_, meta) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{id}");
        Assert.AreEqual(7, meta.GetProperty("file").GetProperty("version").GetInt32());
        byte[] current = await DownloadAsync(id);
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(current)), meta.GetProperty("file").Str("contentHash"), "row and blob agree");
    }

    private static async Task<byte[]> DownloadAsync(string id)
    {
        using var response = await Host.Http.GetAsync(new Uri($"/storage/files/{id}/content", UriKind.Relative));
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
