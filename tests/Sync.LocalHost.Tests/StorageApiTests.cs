using System.Net;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Sync.LocalHost.Tests;

/// <summary>
/// Bentley's Storage API flow as its synchronization sample drives it: find the iTwin's root folder, make a folder,
/// create a file, PUT the bytes straight to blob storage through the upload URL, complete, synchronize it, download
/// it through the redirect, and upload a new version the same way.
/// </summary>
[TestClass]
public sealed class StorageApiTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task A_file_uploaded_straight_to_blob_storage_is_synchronized_downloaded_and_versioned()
    {
        var iTwinId = await Host.CreateITwinAsync("Storage API");
        var (_, top) = await Host.SendAsync(HttpMethod.Get, $"/storage/?projectId={iTwinId}");
        Assert.AreEqual(0, top.GetProperty("items").GetArrayLength(), top.ToString());
        await Host.ConformsAsync("GetStorageTopLevel", top);
        string rootId = top.GetProperty("_links").GetProperty("folder").Str("href").Split('/')[^1];

        var (created, folderBody) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{rootId}/folders", new { displayName = "Sync", description = "for the connector" });
        Assert.AreEqual(HttpStatusCode.Created, created, folderBody.ToString());
        await Host.ConformsAsync("CreateFolder", folderBody);
        var folder = folderBody.GetProperty("folder");
        Assert.AreEqual(("folder", "/Sync", rootId), (folder.Str("type"), folder.Str("path"), folder.Str("parentFolderId")));

        var (accepted, links) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{folder.Str("id")}/files", new { displayName = "pumps.csv" });
        Assert.AreEqual(HttpStatusCode.Accepted, accepted, links.ToString());
        await Host.ConformsAsync("CreateFolderFile", links);
        var uploadUrl = new Uri(links.GetProperty("_links").GetProperty("uploadUrl").Str("href"));
        string completePath = new Uri(links.GetProperty("_links").GetProperty("completeUrl").Str("href")).PathAndQuery;
        string fileId = completePath.Split('/')[^2];

        // Until it is completed the file is nobody's to read.
        (await Host.SendAsync(HttpMethod.Get, $"/storage/files/{fileId}")).AssertError(HttpStatusCode.NotFound, "FileNotFound");
        (await Host.SendAsync(HttpMethod.Post, completePath)).AssertError(HttpStatusCode.Conflict, "FileUploadMissing");
        var (_, listed) = await Host.SendAsync(HttpMethod.Get, $"/storage/folders/{folder.Str("id")}/files");
        Assert.AreEqual(0, listed.GetProperty("files").GetArrayLength());

        byte[] first = Encoding.UTF8.GetBytes("id,name,flow\nP-101,Feed pump,12.5\nP-102,Return pump,8\n");
        await PutAsync(uploadUrl, first);
        var (completed, fileBody) = await Host.SendAsync(HttpMethod.Post, completePath);
        Assert.AreEqual(HttpStatusCode.OK, completed, fileBody.ToString());
        await Host.ConformsAsync("CompleteFileUpload", fileBody);
        var file = fileBody.GetProperty("file");
        Assert.AreEqual(("pumps.csv", "/Sync/pumps.csv", first.Length, folder.Str("id"), "Test User"), (file.Str("displayName"), file.Str("path"), file.GetProperty("size").GetInt32(), file.Str("parentFolderId"), file.Str("lastModifiedByDisplayName")));

        // The same file to connections and runs as one uploaded through our own API.
        var (_, iModelId) = await Host.CreateIModelAsync(iTwinId);
        string connection = await Host.CreateStorageConnectionAsync(iModelId, fileId);
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", run.Str("result"), run.ToString());
        Assert.AreEqual((2, 0, 0), await Host.ChangesetCountsAsync(iModelId, 1));

        CollectionAssert.AreEqual(first, await DownloadAsync(fileId));

        // A new version: links, PUT, complete.
        var (_, again) = await Host.SendAsync(HttpMethod.Post, $"/storage/files/{fileId}/updateContent");
        await Host.ConformsAsync("UpdateFileContent", again);
        byte[] second = Encoding.UTF8.GetBytes("id,name,flow\nP-101,Feed pump,13\nP-102,Return pump,8\n");
        await PutAsync(new Uri(again.GetProperty("_links").GetProperty("uploadUrl").Str("href")), second);
        var (_, secondBody) = await Host.SendAsync(HttpMethod.Post, completePath);
        Assert.AreEqual(2, secondBody.GetProperty("file").GetProperty("version").GetInt32());
        CollectionAssert.AreEqual(second, await DownloadAsync(fileId));

        // Run again: exactly the changed element, with the changed property.
        var rerun = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", rerun.Str("result"), rerun.ToString());
        Assert.AreEqual((0, 1, 0), await Host.ChangesetCountsAsync(iModelId, 2));
        var (_, changed) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changedElements?startChangesetId=2&endChangesetId=2");
        var change = changed.GetProperty("changedElements").EnumerateArray().Single();
        Assert.AreEqual("updated", change.Str("change").ToLowerInvariant(), change.ToString());
        Assert.IsTrue(change.GetProperty("properties").EnumerateArray().Any(p => p.GetString()!.Contains("flow", StringComparison.OrdinalIgnoreCase)), change.ToString());

        var (patched, renamed) = await Host.SendAsync(HttpMethod.Patch, $"/storage/files/{fileId}", new { displayName = "pumps-2.csv", description = "north" });
        Assert.AreEqual(HttpStatusCode.OK, patched, renamed.ToString());
        await Host.ConformsAsync("UpdateFile", renamed);
        Assert.AreEqual(("/Sync/pumps-2.csv", "north"), (renamed.GetProperty("file").Str("path"), renamed.GetProperty("file").Str("description")));

        var (_, items) = await Host.SendAsync(HttpMethod.Get, $"/storage/folders/{rootId}/list");
        await Host.ConformsAsync("GetFolderItems", items);
        var (_, files) = await Host.SendAsync(HttpMethod.Get, $"/storage/folders/{folder.Str("id")}/files");
        await Host.ConformsAsync("GetFolderFiles", files);
        var (_, one) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{fileId}");
        await Host.ConformsAsync("GetFile", one);
        Assert.AreEqual("Sync", items.GetProperty("items")[0].Str("displayName"));
        var (_, inFolder) = await Host.SendAsync(HttpMethod.Get, $"/storage/folders/{folder.Str("id")}/list");
        Assert.AreEqual(fileId, inFolder.GetProperty("items").EnumerateArray().Single().Str("id"));
    }

    [TestMethod]
    public async Task An_upload_URL_writes_one_staging_blob_only_and_takes_block_uploads()
    {
        var iTwinId = await Host.CreateITwinAsync("Uploads");
        var (_, top) = await Host.SendAsync(HttpMethod.Get, $"/storage/?iTwinId={iTwinId}");
        string rootId = top.GetProperty("_links").GetProperty("folder").Str("href").Split('/')[^1];
        (await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{rootId}/files", new { displayName = "setup.exe" })).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidFileRequest");
        var (_, links) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{rootId}/files", new { displayName = "big.bin" });
        var uploadUrl = new Uri(links.GetProperty("_links").GetProperty("uploadUrl").Str("href"));

        using var http = new HttpClient();
        using (var read = await http.GetAsync(uploadUrl))
        {
            Assert.AreEqual(HttpStatusCode.Forbidden, read.StatusCode, "the upload URL cannot read");
        }

        var elsewhere = new UriBuilder(uploadUrl) { Path = uploadUrl.AbsolutePath + "-other" }.Uri;
        using (var content = new ByteArrayContent([1]))
        {
            content.Headers.Add("x-ms-blob-type", "BlockBlob");
            using var other = await http.PutAsync(elsewhere, content);
            Assert.AreEqual(HttpStatusCode.Forbidden, other.StatusCode, "nor write another blob");
        }

        // The Azure SDK's chunked upload against the URL: three blocks and a block list.
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(bytes);
        using (var stream = new MemoryStream(bytes))
        {
            await new BlockBlobClient(uploadUrl).UploadAsync(stream, new BlobUploadOptions { TransferOptions = new() { InitialTransferSize = 1024 * 1024, MaximumTransferSize = 1024 * 1024 } });
        }

        string fileId = new Uri(links.GetProperty("_links").GetProperty("completeUrl").Str("href")).AbsolutePath.Split('/')[^2];
        var (status, body) = await Host.SendAsync(HttpMethod.Post, $"/storage/files/{fileId}/complete");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        Assert.AreEqual(bytes.Length, body.GetProperty("file").GetProperty("size").GetInt32());
        Assert.AreEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), body.GetProperty("file").Str("contentHash"));
    }

    [TestMethod]
    public async Task Deleted_folders_and_files_wait_in_the_recycle_bin_to_be_restored_or_deleted_for_good()
    {
        var iTwinId = await Host.CreateITwinAsync("Recycle bin");
        var (_, top) = await Host.SendAsync(HttpMethod.Get, $"/storage/?iTwinId={iTwinId}");
        string rootId = top.GetProperty("_links").GetProperty("folder").Str("href").Split('/')[^1];
        var (_, created) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{rootId}/folders", new { displayName = "Plans" });
        string plans = created.GetProperty("folder").Str("id");
        var (_, inner) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{plans}/folders", new { displayName = "Level 1" });
        string level = inner.GetProperty("folder").Str("id");
        string deep = await CreateFileAsync(level, "valves.csv");
        string loose = await CreateFileAsync(rootId, "loose.csv");

        var (_, renamed) = await Host.SendAsync(HttpMethod.Patch, $"/storage/folders/{plans}", new { displayName = "Drawings" });
        Assert.AreEqual("/Drawings", renamed.GetProperty("folder").Str("path"));
        var (_, deepFile) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{deep}");
        Assert.AreEqual("/Drawings/Level 1/valves.csv", deepFile.GetProperty("file").Str("path"));
        var (_, search) = await Host.SendAsync(HttpMethod.Get, $"/storage/folders/{rootId}/search?name=*.CSV");
        CollectionAssert.AreEquivalent(new[] { deep, loose }, search.GetProperty("items").EnumerateArray().Select(i => i.Str("id")).ToArray());
        (await Host.SendAsync(HttpMethod.Delete, $"/storage/folders/{rootId}")).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidFolderRequest");

        // A folder goes with everything in it.
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/folders/{plans}")).Status);
        (await Host.SendAsync(HttpMethod.Get, $"/storage/files/{deep}")).AssertError(HttpStatusCode.NotFound, "FileNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/storage/folders/{level}")).AssertError(HttpStatusCode.NotFound, "FolderNotFound");
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/files/{loose}")).Status);
        var (_, bin) = await Host.SendAsync(HttpMethod.Get, $"/storage/recycleBin?projectId={iTwinId}");
        CollectionAssert.AreEquivalent(new[] { plans, loose }, bin.GetProperty("items").EnumerateArray().Select(i => i.Str("id")).ToArray());
        (await Host.SendAsync(HttpMethod.Post, $"/storage/recycleBin/folders/{level}/restore")).AssertError(HttpStatusCode.NotFound, "FolderNotFound");

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Post, $"/storage/recycleBin/folders/{plans}/restore")).Status);
        (_, deepFile) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{deep}");
        Assert.AreEqual("/Drawings/Level 1/valves.csv", deepFile.GetProperty("file").Str("path"));

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/recycleBin/files/{loose}")).Status);
        (await Host.SendAsync(HttpMethod.Post, $"/storage/recycleBin/files/{loose}/restore")).AssertError(HttpStatusCode.NotFound, "FileNotFound");
        (_, bin) = await Host.SendAsync(HttpMethod.Get, $"/storage/recycleBin?iTwinId={iTwinId}");
        Assert.AreEqual(0, bin.GetProperty("items").GetArrayLength(), bin.ToString());
    }

    private static async Task<string> CreateFileAsync(string folderId, string name)
    {
        var (_, links) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{folderId}/files", new { displayName = name });
        await PutAsync(new Uri(links.GetProperty("_links").GetProperty("uploadUrl").Str("href")), Encoding.UTF8.GetBytes("id,name\n1,pump\n"));
        string completePath = new Uri(links.GetProperty("_links").GetProperty("completeUrl").Str("href")).PathAndQuery;
        var (status, body) = await Host.SendAsync(HttpMethod.Post, completePath);
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        return body.GetProperty("file").Str("id");
    }

    private static async Task PutAsync(Uri uploadUrl, byte[] bytes)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(bytes);
        content.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var answer = await http.PutAsync(uploadUrl, content);
        Assert.AreEqual(HttpStatusCode.Created, answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    private static async Task<byte[]> DownloadAsync(string fileId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/storage/files/{fileId}/download");
        request.Headers.Authorization = new("Bearer", Host.Token);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        using var redirect = await noRedirects.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.Found, redirect.StatusCode);
        using var blob = new HttpClient();
        return await blob.GetByteArrayAsync(redirect.Headers.Location);
    }
}
