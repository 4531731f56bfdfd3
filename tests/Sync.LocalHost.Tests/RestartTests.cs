using System.Net;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class RestartTests
{
    [TestMethod]
    [Timeout(240_000, CooperativeCancellation = true)]
    public async Task Everything_survives_a_restart_of_the_host()
    {
        string prefix = TestStorage.NewPrefix("r");
        string hub = TestStorage.NewPrefix("Restart");
        string iModelId, fileId, storageId, manifestId;
        byte[] content = "id,name\n7,valve\n"u8.ToArray();
        await using (var first = await RunningHost.StartAsync(prefix, hub))
        {
            await first.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            Guid iTwinId;
            (iTwinId, iModelId) = await first.CreateIModelAsync();
            fileId = (await first.UploadAsync(iTwinId, "valves.csv", content)).Str("id");
            storageId = await first.CreateStorageConnectionAsync(iModelId, fileId);
            var (_, manifest) = await first.SendAsync(HttpMethod.Post, "/synchronization/imodels/manifestConnections", new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-9" } } });
            manifestId = manifest.GetProperty("connection").Str("id");
        }

        await using var second = await RunningHost.StartAsync(prefix, hub);
        var health = await second.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        Assert.IsGreaterThanOrEqualTo(2, health.GetProperty("durable").GetProperty("lastProbe").GetProperty("probeCount").GetInt32(), "the probe entity kept its state across the restart");

        Assert.AreEqual(HttpStatusCode.OK, (await second.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}")).Status);
        using (var response = await second.Http.GetAsync(new Uri($"/storage/files/{fileId}/content", UriKind.Relative)))
        {
            CollectionAssert.AreEqual(content, await response.Content.ReadAsByteArrayAsync());
        }

        var (_, storage) = await second.SendAsync(HttpMethod.Get, $"/synchronization/imodels/storageConnections/{storageId}/sourcefiles");
        Assert.AreEqual(fileId, storage.GetProperty("sourceFiles")[0].Str("storageFileId"));
        var (_, all) = await second.SendAsync(HttpMethod.Get, $"/synchronization/imodels/connections?imodelId={iModelId}");
        CollectionAssert.AreEquivalent(new[] { storageId, manifestId }, all.GetProperty("connections").EnumerateArray().Select(c => c.Str("id")).ToArray());
    }
}
