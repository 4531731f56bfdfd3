using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Sync.Engine.Changes;
using Sync.Engine.Stores;
using Sync.Storage;

namespace Sync.LocalHost.Tests;

/// <summary>
/// The iModel read API over changesets the engine pushed. Runs are not served over HTTP yet, so the test drives
/// the host's own engine services to push, then reads everything back over HTTP as a client would.
/// </summary>
[TestClass]
public sealed class ChangesetsAndElementsApiTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Changesets_elements_changed_elements_and_schema_are_served()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        var iModel = Guid.Parse(iModelId);
        await SyncAsync(iModel, "run-1", "Tag,Name,Flow\nP-1,Feed,12.5\nP-2,Return,8\n");
        await SyncAsync(iModel, "run-2", "Tag,Name,Flow\nP-1,Feed,13\nP-3,Spare,1\n");

        var (status, list) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets?$top=1");
        Assert.AreEqual(HttpStatusCode.OK, status, list.ToString());
        var first = list.GetProperty("changesets").EnumerateArray().Single();
        Assert.AreEqual(1, first.GetProperty("index").GetInt32());
        Assert.AreEqual(2, first.GetProperty("inserted").GetInt32());
        Assert.AreEqual(1, first.GetProperty("containingChanges").GetInt32());
        Assert.AreEqual("run-1", first.GetProperty("synchronizationInfo").Str("runId"));
        StringAssert.Contains(list.GetProperty("_links").GetProperty("next").Str("href"), "$skip=1");

        var (_, byIndex) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/2");
        var second = byIndex.GetProperty("changeset");
        Assert.AreEqual(first.Str("id"), second.Str("parentId"));
        Assert.AreEqual((1, 1, 1), (second.GetProperty("inserted").GetInt32(), second.GetProperty("updated").GetInt32(), second.GetProperty("deleted").GetInt32()));
        var (_, byId) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/{second.Str("id")}");
        Assert.AreEqual(2, byId.GetProperty("changeset").GetProperty("index").GetInt32());

        string ndjson = await Host.Http.GetStringAsync(new Uri($"/imodels/{iModelId}/changesets/2/download", UriKind.Relative));
        var ops = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("op").GetString()).ToList();
        CollectionAssert.AreEquivalent(new[] { "update", "insert", "delete" }, ops);
        using (var gzipRequest = new HttpRequestMessage(HttpMethod.Get, $"/imodels/{iModelId}/changesets/2/download"))
        {
            gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await Host.Http.SendAsync(gzipRequest);
            CollectionAssert.Contains(response.Content.Headers.ContentEncoding.ToList(), "gzip");
            await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            Assert.AreEqual(ndjson, await reader.ReadToEndAsync());
        }

        using (var zstdRequest = new HttpRequestMessage(HttpMethod.Get, $"/imodels/{iModelId}/changesets/2/download"))
        {
            zstdRequest.Headers.AcceptEncoding.ParseAdd("gzip");
            zstdRequest.Headers.AcceptEncoding.ParseAdd("zstd");
            using var response = await Host.Http.SendAsync(zstdRequest);
            CollectionAssert.AreEqual(new[] { "zstd" }, response.Content.Headers.ContentEncoding.ToList(), "zstd is preferred: parts are stored so");
            await using var zstd = new ZstdSharp.DecompressionStream(await response.Content.ReadAsStreamAsync());
            using var reader = new StreamReader(zstd, Encoding.UTF8);
            Assert.AreEqual(ndjson, await reader.ReadToEndAsync());
        }

        var (_, elements) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?classFullName=PSEXCEL:pumps&sourceFileId=file-1");
        var items = elements.GetProperty("elements").EnumerateArray().ToList();
        CollectionAssert.AreEquivalent(new[] { "P-1", "P-3" }, items.Select(e => e.Str("identifier")).ToArray());
        var p1 = items.Single(e => e.Str("identifier") == "P-1");
        Assert.AreEqual(13, p1.GetProperty("properties").GetProperty("Flow").GetInt32());
        Assert.AreEqual(32, p1.Str("checksum").Length);
        StringAssert.StartsWith(p1.Str("id"), "0x");
        var (_, none) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?classFullName=PSEXCEL:other");
        Assert.AreEqual(0, none.GetProperty("elements").GetArrayLength());

        var (_, one) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/{p1.Str("id")}");
        Assert.AreEqual("Feed", one.GetProperty("element").Str("userLabel"));

        var (_, changed) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changedElements?startChangesetId={second.Str("id")}&endChangesetId=2");
        var byChange = changed.GetProperty("changedElements").EnumerateArray().ToDictionary(c => c.Str("change"));
        Assert.AreEqual(3, byChange.Count);
        CollectionAssert.AreEqual(new[] { "Flow" }, byChange["updated"].GetProperty("properties").EnumerateArray().Select(p => p.GetString()).ToArray());
        Assert.AreEqual("PSEXCEL:pumps", byChange["deleted"].Str("classFullName"));

        var (_, schema) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/schema");
        var pumps = schema.GetProperty("schema").GetProperty("classes").EnumerateArray().Single(c => c.Str("name") == "PSEXCEL:pumps");
        Assert.AreEqual("double", pumps.GetProperty("properties").EnumerateArray().Single(p => p.Str("name") == "Flow").Str("type"));
    }

    [TestMethod]
    public async Task Changed_elements_come_in_pages_that_follow_next_to_the_whole_set()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        await SyncAsync(Guid.Parse(iModelId), "run-1", "Id,V\n" + string.Concat(Enumerable.Range(1, 25).Select(i => $"{i},{i}\n")));
        var (_, whole) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changedElements?$top=1000");
        var all = whole.GetProperty("changedElements").EnumerateArray().Select(c => c.Str("id")).ToList();
        Assert.HasCount(25, all);
        Assert.IsFalse(whole.GetProperty("_links").TryGetProperty("next", out var none) && none.ValueKind != JsonValueKind.Null);

        var paged = new List<string>();
        string? next = $"/imodels/{iModelId}/changedElements?$top=10";
        int pages = 0;
        while (next is not null)
        {
            var (status, page) = await Host.SendAsync(HttpMethod.Get, next);
            Assert.AreEqual(HttpStatusCode.OK, status, page.ToString());
            var entries = page.GetProperty("changedElements").EnumerateArray().Select(c => c.Str("id")).ToList();
            Assert.IsLessThanOrEqualTo(10, entries.Count);
            paged.AddRange(entries);
            pages++;
            next = page.GetProperty("_links").TryGetProperty("next", out var link) && link.ValueKind == JsonValueKind.Object ? new Uri(link.Str("href")).PathAndQuery : null;
        }

        Assert.AreEqual(3, pages);
        CollectionAssert.AreEqual(all, paged, "the pages, in order, are the whole set");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changedElements?$top=1001")).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidElementRequest");
    }

    [TestMethod]
    public async Task Unknown_changesets_elements_and_bad_ranges_are_clear_errors()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        await SyncAsync(Guid.Parse(iModelId), "run-1", "Id,V\n1,2\n");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/7")).AssertError(HttpStatusCode.NotFound, "ChangesetNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/{new string('a', 40)}")).AssertError(HttpStatusCode.NotFound, "ChangesetNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/0/download")).AssertError(HttpStatusCode.NotFound, "ChangesetNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/0x1")).AssertError(HttpStatusCode.NotFound, "ElementNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/zzz")).AssertError(HttpStatusCode.NotFound, "ElementNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changedElements?startChangesetId=9")).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidElementRequest");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?$top=0")).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidElementRequest");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{Guid.NewGuid()}/changesets")).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{Guid.NewGuid()}/schema")).AssertError(HttpStatusCode.NotFound, "iModelNotFound");

        var (_, empty) = await Host.CreateIModelAsync();
        var (status, body) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{empty}/changedElements");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        Assert.AreEqual(0, body.GetProperty("changedElements").GetArrayLength());
    }

    [TestMethod]
    public async Task A_deleted_iModel_s_elements_and_changesets_are_gone_though_the_host_knows_its_iTwin()
    {
        // These reads take the iModel's existence from its tip, not from its record: this host has just read them
        // all (so access control remembers the iModel's iTwin), and they must still answer 404 after the delete.
        var (_, iModelId) = await Host.CreateIModelAsync();
        var iModel = Guid.Parse(iModelId);
        await SyncAsync(iModel, "run-1", "Tag,Name,Flow\nP-1,Feed,12.5\nP-2,Return,8\n");
        await SyncAsync(iModel, "run-1b", "Tag,Name,Flow\nP-1,Feed,12.5\nP-2,Return,9\n");
        var (_, keptId) = await Host.CreateIModelAsync();
        await SyncAsync(Guid.Parse(keptId), "run-1", "Tag,Name,Flow\nP-1,Feed,12.5\n");
        int keptBlobs = await BlobsOfAsync(Guid.Parse(keptId));
        Assert.IsGreaterThanOrEqualTo(4, await BlobsOfAsync(iModel), "two runs' parts, snapshots and states");
        string[] reads =
        [
            $"/imodels/{iModelId}",
            $"/imodels/{iModelId}/elements",
            $"/imodels/{iModelId}/elements/{await FirstElementIdAsync(iModelId)}",
            $"/imodels/{iModelId}/changedElements",
            $"/imodels/{iModelId}/schema",
            $"/imodels/{iModelId}/changesets",
            $"/imodels/{iModelId}/changesets/1",
            $"/imodels/{iModelId}/changesets/1/download",
        ];
        foreach (string read in reads)
        {
            using var response = await Host.Http.GetAsync(new Uri(read, UriKind.Relative));
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, read);
        }

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/imodels/{iModelId}")).Status);
        foreach (string read in reads)
        {
            (await Host.SendAsync(HttpMethod.Get, read)).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
        }

        // What it left in storage is gone but its close; another iModel's is untouched.
        Assert.AreEqual(0, await BlobsOfAsync(iModel), "changesets, snapshots and states purged");
        Assert.AreEqual(keptBlobs, await BlobsOfAsync(Guid.Parse(keptId)));
        var log = Host.Services.GetRequiredService<IChangesetLog>();
        Assert.IsNull(await log.GetRunCommitAsync(iModel, "run-1", CancellationToken.None), "its history's records purged");
        Assert.IsEmpty(await log.ListAsync(iModel, 0, 10, CancellationToken.None));
        Assert.AreEqual(1, (await log.ListAsync(Guid.Parse(keptId), 0, 10, CancellationToken.None)).Count);

        // And nothing more can be pushed to it.
        await Assert.ThrowsExactlyAsync<IModelDeletedException>(() => SyncAsync(iModel, "run-2", "Tag,Name,Flow\nP-1,Feed,13\n"));
    }

    private static async Task<int> BlobsOfAsync(Guid iModel)
    {
        var account = Host.Services.GetRequiredService<StorageAccount>();
        var container = account.Container(account.Names.SyncContainer);
        int count = 0;
        foreach (string prefix in BlobNames.OfIModel(iModel))
        {
            await foreach (var _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            {
                count++;
            }
        }

        return count;
    }

    private static async Task<string> FirstElementIdAsync(string iModelId)
    {
        var (_, page) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?$top=1");
        return page.GetProperty("elements").EnumerateArray().Single().Str("id");
    }

    private static async Task SyncAsync(Guid iModel, string runId, string csv)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(csv);
        var request = new FileSyncRequest(iModel, runId, "file-1", "pumps.csv", "PSEXCEL", Convert.ToHexStringLower(SHA256.HashData(bytes)), _ => Task.FromResult<Stream>(new MemoryStream(bytes)));
        var result = await Host.Services.GetRequiredService<FileSynchronizer>().SynchronizeAsync(request, CancellationToken.None);
        await Host.Services.GetRequiredService<ChangesetPusher>().PushAsync(new PushRequest(iModel, runId, null, [result.Staged!]), CancellationToken.None);
    }
}
