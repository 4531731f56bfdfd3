using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sync.Engine.Stores;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class IModelsApiTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Create_get_and_delete_an_iModel()
    {
        var iTwinId = await Host.CreateITwinAsync();
        var (status, created) = await Host.SendAsync(HttpMethod.Post, "/imodels", new { iTwinId, name = "Plant", description = "Unit 1" });
        Assert.AreEqual(HttpStatusCode.Created, status, created.ToString());
        await Host.ConformsAsync("CreateIModel", created);
        var model = created.GetProperty("iModel");
        string id = model.Str("id");
        Assert.AreEqual(iTwinId.ToString(), model.Str("iTwinId"));
        Assert.AreEqual("Plant", model.Str("name"));
        Assert.AreEqual("Unit 1", model.Str("description"));
        Assert.AreEqual(new Uri(Host.BaseAddress, $"/imodels/{id}"), Host.LastLocation);

        var (getStatus, got) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{id}");
        Assert.AreEqual(HttpStatusCode.OK, getStatus);
        await Host.ConformsAsync("GetIModel", got);
        Assert.AreEqual(id, got.GetProperty("iModel").Str("id"));

        var (deleteStatus, _) = await Host.SendAsync(HttpMethod.Delete, $"/imodels/{id}");
        Assert.AreEqual(HttpStatusCode.NoContent, deleteStatus);
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{id}")).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
        (await Host.SendAsync(HttpMethod.Delete, $"/imodels/{id}")).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
    }

    [TestMethod]
    public async Task Deleting_an_iModel_deletes_its_connections()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/imodels/{iModelId}")).Status);
        (await Host.SendAsync(HttpMethod.Get, $"/synchronization/imodels/storageConnections/{connectionId}")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
    }

    [TestMethod]
    public async Task A_deleted_connection_s_finished_runs_are_purged_with_it()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connectionId}/run");
        string runId = run.Str("id");
        var runs = Host.Services.GetRequiredService<IRunStore>();
        Assert.IsNotNull(await runs.GetAsync(connectionId, runId, CancellationToken.None));

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/synchronization/imodels/storageConnections/{connectionId}")).Status);
        Assert.IsNull(await runs.GetAsync(connectionId, runId, CancellationToken.None), "the run's record went with the connection");
        (await Host.SendAsync(HttpMethod.Get, $"/synchronization/imodels/storageConnections/{connectionId}/runs/{runId}")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
    }

    [TestMethod]
    public async Task List_pages_with_links_and_honours_Prefer()
    {
        var iTwinId = await Host.CreateITwinAsync();
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((await Host.CreateIModelAsync(iTwinId, $"Model {i}")).IModelId);
        }

        var (status, page1) = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={iTwinId}&$top=2");
        Assert.AreEqual(HttpStatusCode.OK, status, page1.ToString());
        var items = page1.GetProperty("iModels").EnumerateArray().ToList();
        CollectionAssert.AreEqual(ids.Take(2).ToList(), items.Select(m => m.Str("id")).ToList());
        Assert.IsFalse(items[0].TryGetProperty("iTwinId", out _), "minimal is the default");
        Assert.AreEqual("Model 0", items[0].Str("displayName"));
        var links = page1.GetProperty("_links");
        Assert.IsFalse(links.TryGetProperty("prev", out _));
        string next = links.GetProperty("next").Str("href");
        StringAssert.Contains(next, "$skip=2");
        StringAssert.Contains(next, $"iTwinId={iTwinId}");

        var (_, last) = await Host.SendAsync(HttpMethod.Get, new Uri(next).PathAndQuery.Replace("$skip=2", "$skip=4", StringComparison.Ordinal), configure: r => r.Headers.Add("Prefer", "return=representation"));
        var lastItems = last.GetProperty("iModels").EnumerateArray().ToList();
        Assert.AreEqual(1, lastItems.Count);
        Assert.AreEqual(ids[4], lastItems[0].Str("id"));
        Assert.AreEqual(iTwinId.ToString(), lastItems[0].Str("iTwinId"), "representation has every field");
        Assert.IsFalse(last.GetProperty("_links").TryGetProperty("next", out _));
        StringAssert.Contains(last.GetProperty("_links").GetProperty("prev").Str("href"), "$skip=2");
    }

    [TestMethod]
    public async Task Paths_are_case_insensitive()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (status, _) = await Host.SendAsync(HttpMethod.Get, $"/IMODELS/{iModelId}");
        Assert.AreEqual(HttpStatusCode.OK, status);
    }
}
