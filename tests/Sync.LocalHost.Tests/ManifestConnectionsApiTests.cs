using System.Net;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class ManifestConnectionsApiTests
{
    private const string Path = "/synchronization/imodels/manifestConnections";

    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Manifest_connection_lifecycle_with_source_files()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (status, created) = await Host.SendAsync(HttpMethod.Post, Path, new
        {
            iModelId,
            displayName = "ProjectWise",
            sourceFiles = new[] { new { sourceFileId = "pw://docs/Master.dgn" }, new { sourceFileId = "doc#2?v=1" } },
        });
        Assert.AreEqual(HttpStatusCode.Created, status, created.ToString());
        string id = created.GetProperty("connection").Str("id");
        Assert.AreEqual("User", created.GetProperty("connection").Str("authenticationType"), "User is the default");

        string files = $"{Path}/{id}/sourcefiles";
        var (_, list) = await Host.SendAsync(HttpMethod.Get, files);
        var listed = list.GetProperty("sourceFiles").EnumerateArray().Select(f => f.Str("sourceFileId")).ToList();
        CollectionAssert.AreEquivalent(new[] { "pw://docs/Master.dgn", "doc#2?v=1" }, listed);

        var (addStatus, added) = await Host.SendAsync(HttpMethod.Post, files, new { sourceFileId = "doc-3" });
        Assert.AreEqual(HttpStatusCode.Created, addStatus, added.ToString());
        string sourceFileId = added.GetProperty("sourceFile").Str("id");
        Assert.AreEqual("doc-3", added.GetProperty("sourceFile").Str("sourceFileId"));
        Assert.IsFalse(added.GetProperty("sourceFile").TryGetProperty("connectorType", out _));

        (await Host.SendAsync(HttpMethod.Post, files, new { sourceFileId = "doc#2?v=1" })).AssertError(HttpStatusCode.Conflict, "SourceFileAlreadyMapped");
        (await Host.SendAsync(HttpMethod.Put, $"{files}/{sourceFileId}", new { sourceFileId = "pw://docs/Master.dgn" })).AssertError(HttpStatusCode.Conflict, "SourceFileAlreadyMapped");

        var (updateStatus, updated) = await Host.SendAsync(HttpMethod.Put, $"{files}/{sourceFileId}", new { sourceFileId = "doc-3-renamed" });
        Assert.AreEqual(HttpStatusCode.OK, updateStatus, updated.ToString());
        Assert.AreEqual("doc-3-renamed", updated.GetProperty("sourceFile").Str("sourceFileId"));

        var (_, got) = await Host.SendAsync(HttpMethod.Get, $"{files}/{sourceFileId}");
        Assert.AreEqual("doc-3-renamed", got.GetProperty("sourceFile").Str("sourceFileId"));

        var (putStatus, put) = await Host.SendAsync(HttpMethod.Put, $"{Path}/{id}", new { displayName = "PW", authenticationType = "Service" });
        Assert.AreEqual(HttpStatusCode.OK, putStatus, put.ToString());
        Assert.AreEqual("Service", put.GetProperty("connection").Str("authenticationType"));

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"{files}/{sourceFileId}")).Status);
        (await Host.SendAsync(HttpMethod.Get, $"{files}/{sourceFileId}")).AssertError(HttpStatusCode.NotFound, "ManifestConnectionSourceFileNotFound");

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"{Path}/{id}")).Status);
        (await Host.SendAsync(HttpMethod.Get, files)).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");

        // Everything it mapped is free again.
        var (again, _) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc#2?v=1" } } });
        Assert.AreEqual(HttpStatusCode.Created, again);
    }

    [TestMethod]
    public async Task List_by_iModel_pages()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        for (int i = 0; i < 3; i++)
        {
            var (s, _) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, displayName = $"M{i}", sourceFiles = new[] { new { sourceFileId = $"doc-{i}" } } });
            Assert.AreEqual(HttpStatusCode.Created, s);
        }

        var (_, page) = await Host.SendAsync(HttpMethod.Get, $"{Path}?imodelId={iModelId}&$top=2&$skip=1");
        CollectionAssert.AreEqual(new[] { "M1", "M2" }, page.GetProperty("connections").EnumerateArray().Select(c => c.Str("displayName")).ToArray());
        Assert.IsTrue(page.GetProperty("_links").TryGetProperty("prev", out _));
        Assert.IsFalse(page.GetProperty("_links").TryGetProperty("next", out _));
    }
}
