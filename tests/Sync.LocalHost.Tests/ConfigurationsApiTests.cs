using System.Net;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class ConfigurationsApiTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Configurations_at_three_scopes_resolve_with_precedence_and_read_their_own_writes()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        string iTwin = $"/synchronization/configurations/itwins/{iTwinId}";
        string iModel = $"/synchronization/configurations/imodels/{iModelId}";
        string connection = $"/synchronization/configurations/connections/{connectionId}";

        (await Host.SendAsync(HttpMethod.Get, iTwin)).AssertError(HttpStatusCode.NotFound, "ConfigurationNotFound");
        var (created, body) = await Host.SendAsync(HttpMethod.Post, iTwin, new { squashIntermediateRevisions = true });
        Assert.AreEqual(HttpStatusCode.Created, created, body.ToString());
        Assert.AreEqual(iTwinId.ToString(), body.GetProperty("configuration").Str("scopeId"));
        Assert.IsTrue(body.GetProperty("configuration").GetProperty("settings").GetProperty("squashIntermediateRevisions").GetBoolean());
        Assert.IsTrue(body.GetProperty("configuration").GetProperty("resolvedSettings").GetProperty("uploadDgnRealityData").GetBoolean(), "defaults fill the rest");
        (await Host.SendAsync(HttpMethod.Post, iTwin, new { })).AssertError(HttpStatusCode.Conflict, "ConfigurationAlreadyExists");

        Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, iModel, new { clampZExtent = true, overrideRvtReprojectionDistance = 12.5 })).Status);
        var (patched, patchBody) = await Host.SendAsync(HttpMethod.Patch, iModel, new { clampZExtent = false });
        Assert.AreEqual(HttpStatusCode.OK, patched, patchBody.ToString());
        var iModelSettings = patchBody.GetProperty("configuration").GetProperty("settings");
        Assert.IsFalse(iModelSettings.GetProperty("clampZExtent").GetBoolean());
        Assert.AreEqual(12.5, iModelSettings.GetProperty("overrideRvtReprojectionDistance").GetDouble(), "PATCH keeps what it does not send");

        (await Host.SendAsync(HttpMethod.Patch, connection, new { enableSheetIndex = true })).AssertError(HttpStatusCode.NotFound, "ConfigurationNotFound");
        Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, connection, new { enableSheetIndex = true })).Status);
        var (_, resolved) = await Host.SendAsync(HttpMethod.Get, connection);
        var all = resolved.GetProperty("configuration").GetProperty("resolvedSettings");
        Assert.IsTrue(all.GetProperty("squashIntermediateRevisions").GetBoolean(), "from the iTwin");
        Assert.AreEqual(12.5, all.GetProperty("overrideRvtReprojectionDistance").GetDouble(), "from the iModel");
        Assert.IsTrue(all.GetProperty("enableSheetIndex").GetBoolean(), "from the connection");
        Assert.IsFalse(all.GetProperty("reclassifyDgnElements").GetBoolean(), "a default");
        Assert.AreEqual(1, resolved.GetProperty("configuration").GetProperty("settings").EnumerateObject().Count(), "settings hold only this scope's own");

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, iTwin)).Status);
        (await Host.SendAsync(HttpMethod.Delete, iTwin)).AssertError(HttpStatusCode.NotFound, "ConfigurationNotFound");
        var (_, after) = await Host.SendAsync(HttpMethod.Get, connection);
        Assert.IsFalse(after.GetProperty("configuration").GetProperty("resolvedSettings").GetProperty("squashIntermediateRevisions").GetBoolean(), "the iTwin's setting is gone");
    }

    [TestMethod]
    public async Task Bad_configuration_requests_are_clear_errors()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        string iModel = $"/synchronization/configurations/imodels/{iModelId}";
        var (status, body) = await Host.SendAsync(HttpMethod.Post, iModel, new { clampZExtent = "yes", squashIntermediateRevisions = true, overrideRvtReprojectionDistance = true });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        Assert.AreEqual("InvalidConfigurationRequest", body.GetProperty("error").Str("code"));
        CollectionAssert.AreEquivalent(new[] { "clampZExtent", "squashIntermediateRevisions", "overrideRvtReprojectionDistance" }, body.Targets().ToArray());
        (await Host.SendAsync(HttpMethod.Post, iModel)).AssertError(HttpStatusCode.UnprocessableEntity, "MissingRequestBody");
        (await Host.SendAsync(HttpMethod.Get, $"/synchronization/configurations/imodels/{Guid.NewGuid()}")).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
        (await Host.SendAsync(HttpMethod.Get, "/synchronization/configurations/itwins/not-a-guid")).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidConfigurationRequest");
        (await Host.SendAsync(HttpMethod.Get, "/synchronization/configurations/connections/nope")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
    }
}
