using System.Net;
using System.Text.Json;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class StorageConnectionsApiTests
{
    private const string Path = "/synchronization/imodels/storageConnections";

    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Create_then_get_list_update_and_delete()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string fileId = await Host.UploadIdAsync(iTwinId, "pumps.csv");
        var (status, created) = await Host.SendAsync(HttpMethod.Post, Path, new
        {
            iModelId,
            displayName = "Pumps",
            authenticationType = "Service",
            sourceFiles = new[] { new { storageFileId = fileId, connectorType = "psexcel" } },
        });
        Assert.AreEqual(HttpStatusCode.Created, status, created.ToString());
        var connection = created.GetProperty("connection");
        string id = connection.Str("id");
        Assert.AreEqual(43, id.Length);
        Assert.AreEqual("Pumps", connection.Str("displayName"));
        Assert.AreEqual(iModelId, connection.Str("iModelId"));
        Assert.AreEqual(iTwinId.ToString(), connection.Str("iTwinId"), "resolved from the iModel");
        Assert.AreEqual("Service", connection.Str("authenticationType"));
        StringAssert.EndsWith(connection.GetProperty("_links").GetProperty("iModel").Str("href"), $"/imodels/{iModelId}");
        Assert.AreEqual(new Uri(Host.BaseAddress, $"/synchronization/imodels/storageConnections/{id}"), Host.LastLocation);

        var (_, got) = await Host.SendAsync(HttpMethod.Get, $"{Path}/{id}");
        Assert.AreEqual(id, got.GetProperty("connection").Str("id"));

        var (_, minimal) = await Host.SendAsync(HttpMethod.Get, $"{Path}?iModelId={iModelId}");
        var item = minimal.GetProperty("connections").EnumerateArray().Single();
        Assert.AreEqual(id, item.Str("id"));
        Assert.IsFalse(item.TryGetProperty("iModelId", out _));
        var (_, full) = await Host.SendAsync(HttpMethod.Get, $"{Path}?imodelId={iModelId}", configure: r => r.Headers.Add("Prefer", "return=representation"));
        Assert.AreEqual("Service", full.GetProperty("connections")[0].Str("authenticationType"));

        var (updateStatus, updated) = await Host.SendAsync(HttpMethod.Put, $"{Path}/{id}", new { displayName = "Pumps v2" });
        Assert.AreEqual(HttpStatusCode.OK, updateStatus, updated.ToString());
        Assert.AreEqual("Pumps v2", updated.GetProperty("connection").Str("displayName"));
        Assert.AreEqual("Service", updated.GetProperty("connection").Str("authenticationType"), "fields not sent stay");

        (await Host.SendAsync(HttpMethod.Put, $"{Path}/{id}", new { iModelId = Guid.NewGuid() })).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest");

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"{Path}/{id}")).Status);
        (await Host.SendAsync(HttpMethod.Get, $"{Path}/{id}")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");

        // Deleting the connection frees its file for another connection of the same iModel.
        await Host.CreateStorageConnectionAsync(iModelId, fileId);
    }

    [TestMethod]
    public async Task Source_files_add_list_get_update_remove()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string first = await Host.UploadIdAsync(iTwinId, "a.csv");
        string second = await Host.UploadIdAsync(iTwinId, "b.ifc");
        string third = await Host.UploadIdAsync(iTwinId, "c.dxf");
        string id = await Host.CreateStorageConnectionAsync(iModelId, first);
        string files = $"{Path}/{id}/sourcefiles";

        var (status, added) = await Host.SendAsync(HttpMethod.Post, files, new { storageFileId = second, connectorType = "IFC" });
        Assert.AreEqual(HttpStatusCode.Created, status, added.ToString());
        var sourceFile = added.GetProperty("sourceFile");
        string sourceFileId = sourceFile.Str("id");
        Assert.IsTrue(Guid.TryParse(sourceFileId, out _));
        Assert.AreEqual(second, sourceFile.Str("storageFileId"));
        Assert.AreEqual("IFC", sourceFile.Str("connectorType"));
        Assert.AreEqual("b.ifc", sourceFile.Str("lastKnownFileName"));
        StringAssert.EndsWith(sourceFile.GetProperty("_links").GetProperty("file").Str("href"), $"/storage/files/{second}");

        var (_, list) = await Host.SendAsync(HttpMethod.Get, files);
        var listed = list.GetProperty("sourceFiles").EnumerateArray().ToList();
        Assert.AreEqual(2, listed.Count);
        Assert.IsFalse(listed[0].TryGetProperty("connectorType", out _), "minimal omits connectorType");
        var (_, fullList) = await Host.SendAsync(HttpMethod.Get, files, configure: r => r.Headers.Add("Prefer", "return=representation"));
        Assert.IsTrue(fullList.GetProperty("sourceFiles")[0].TryGetProperty("connectorType", out _));

        var (_, got) = await Host.SendAsync(HttpMethod.Get, $"{files}/{sourceFileId}");
        Assert.AreEqual(second, got.GetProperty("sourceFile").Str("storageFileId"));

        var (updateStatus, updated) = await Host.SendAsync(HttpMethod.Put, $"{files}/{sourceFileId}", new { storageFileId = third, connectorType = "DWG" });
        Assert.AreEqual(HttpStatusCode.OK, updateStatus, updated.ToString());
        Assert.AreEqual(third, updated.GetProperty("sourceFile").Str("storageFileId"));
        Assert.AreEqual("DWG", updated.GetProperty("sourceFile").Str("connectorType"));
        Assert.AreEqual("c.dxf", updated.GetProperty("sourceFile").Str("lastKnownFileName"));

        // The file it used to map is free again; the one it maps now is taken.
        var (readd, _) = await Host.SendAsync(HttpMethod.Post, files, new { storageFileId = second, connectorType = "IFC" });
        Assert.AreEqual(HttpStatusCode.Created, readd);
        (await Host.SendAsync(HttpMethod.Post, files, new { storageFileId = third, connectorType = "DWG" })).AssertError(HttpStatusCode.Conflict, "SourceFileAlreadyMapped");

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"{files}/{sourceFileId}")).Status);
        (await Host.SendAsync(HttpMethod.Get, $"{files}/{sourceFileId}")).AssertError(HttpStatusCode.NotFound, "StorageConnectionSourceFileNotFound");
        (await Host.SendAsync(HttpMethod.Delete, $"{files}/{sourceFileId}")).AssertError(HttpStatusCode.NotFound, "StorageConnectionSourceFileNotFound");
    }

    [TestMethod]
    public async Task A_file_maps_to_an_iModel_once_but_to_other_iModels_freely()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        var (_, otherIModelId) = await Host.CreateIModelAsync(iTwinId, "Other");
        string fileId = await Host.UploadIdAsync(iTwinId);
        await Host.CreateStorageConnectionAsync(iModelId, fileId);

        var conflict = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { storageFileId = fileId, connectorType = "PSEXCEL" } } });
        conflict.AssertError(HttpStatusCode.Conflict, "SourceFileAlreadyMapped");

        await Host.CreateStorageConnectionAsync(otherIModelId, fileId);
        var (_, list) = await Host.SendAsync(HttpMethod.Get, $"{Path}?iModelId={iModelId}");
        Assert.AreEqual(1, list.GetProperty("connections").GetArrayLength(), "the refused create left nothing behind");
    }

    [TestMethod]
    public async Task Simultaneous_creates_mapping_one_file_yield_exactly_one_connection()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string fileId = await Host.UploadIdAsync(iTwinId);
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { storageFileId = fileId, connectorType = "PSEXCEL" } } })));
        Assert.AreEqual(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.AreEqual(9, answers.Count(a => a.Status == HttpStatusCode.Conflict));
        var (_, list) = await Host.SendAsync(HttpMethod.Get, $"{Path}?iModelId={iModelId}");
        Assert.AreEqual(1, list.GetProperty("connections").GetArrayLength());
    }

    [TestMethod]
    public async Task Invalid_create_names_every_bad_field()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string fileId = await Host.UploadIdAsync(iTwinId);
        string foreignFile = await Host.UploadIdAsync(await Host.CreateITwinAsync());
        var (status, body) = await Host.SendAsync(HttpMethod.Post, Path, new
        {
            iModelId,
            authenticationType = "Robot",
            sourceFiles = new object[]
            {
                new { storageFileId = fileId, connectorType = "NOTACONNECTOR" },
                new { storageFileId = "nope", connectorType = "IFC" },
                new { storageFileId = foreignFile, connectorType = "IFC" },
                new { connectorType = 5 },
                "not an object",
            },
        });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        Assert.AreEqual("InvalidStorageConnectionRequest", body.GetProperty("error").Str("code"));
        CollectionAssert.AreEquivalent(
            new[] { "authenticationType", "sourceFiles[0].connectorType", "sourceFiles[1].storageFileId", "sourceFiles[2].storageFileId", "sourceFiles[3].storageFileId", "sourceFiles[3].connectorType", "sourceFiles[4]" },
            body.Targets().ToArray());
    }

    [TestMethod]
    public async Task Duplicate_files_in_one_request_are_422()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string fileId = await Host.UploadIdAsync(iTwinId);
        var (status, body) = await Host.SendAsync(HttpMethod.Post, Path, new
        {
            iModelId,
            sourceFiles = new[] { new { storageFileId = fileId, connectorType = "IFC" }, new { storageFileId = fileId, connectorType = "IFC" } },
        });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status);
        CollectionAssert.AreEqual(new[] { "sourceFiles[1].storageFileId" }, body.Targets().ToArray());
    }

    [TestMethod]
    public async Task A_manifest_connection_is_not_found_as_a_storage_connection()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/manifestConnections", new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-1" } } });
        string id = created.GetProperty("connection").Str("id");
        (await Host.SendAsync(HttpMethod.Get, $"{Path}/{id}")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
    }

    [TestMethod]
    public async Task Connections_of_an_iModel_lists_both_kinds()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string storageId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        var (_, manifest) = await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/manifestConnections", new { iModelId, displayName = "DMS", sourceFiles = new[] { new { sourceFileId = "doc-1" } } });
        string manifestId = manifest.GetProperty("connection").Str("id");

        var (status, list) = await Host.SendAsync(HttpMethod.Get, $"/synchronization/imodels/connections?imodelId={iModelId}", configure: r => r.Headers.Add("Prefer", "return=representation"));
        Assert.AreEqual(HttpStatusCode.OK, status, list.ToString());
        var ids = list.GetProperty("connections").EnumerateArray().Select(c => c.Str("id")).ToList();
        CollectionAssert.AreEquivalent(new[] { storageId, manifestId }, ids);
        Assert.IsTrue(list.GetProperty("connections").EnumerateArray().All(c => c.GetProperty("_links").TryGetProperty("iModel", out JsonElement _)));
    }
}
