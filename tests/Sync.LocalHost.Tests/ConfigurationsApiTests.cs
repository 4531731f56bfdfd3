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
        (await Host.SendAsync(HttpMethod.Get, "/synchronization/configurations/itwins/not-a-guid")).AssertError(HttpStatusCode.NotFound, "iTwinNotFound");
        (await Host.SendAsync(HttpMethod.Get, "/synchronization/configurations/connections/nope")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");

        var (iTwinId, otherIModel) = await Host.CreateIModelAsync();
        string connection = $"/synchronization/configurations/connections/{await Host.CreateStorageConnectionAsync(otherIModel, await Host.UploadIdAsync(iTwinId))}";
        (status, body) = await Host.SendAsync(HttpMethod.Post, connection, new { spreadsheetKeyColumn = 5, enableSheetIndex = "true" });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        CollectionAssert.AreEquivalent(new[] { "spreadsheetKeyColumn", "enableSheetIndex" }, body.Targets().ToArray());
        (status, body) = await Host.SendAsync(HttpMethod.Post, connection, new { spreadsheetKeyColumn = new string('k', 129) });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        (status, body) = await Host.SendAsync(HttpMethod.Post, iModel, new { spreadsheetKeyColumn = "Tag" });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, "a connection setting is not accepted at iModel scope: " + body);
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_run_reads_the_settings_resolved_at_its_start_and_a_changed_setting_reads_unchanged_files_again()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string register = (await Host.UploadAsync(iTwinId, "register.csv", "Serial,Name\nS-1,pump\nS-2,valve\n"u8.ToArray())).Str("id");
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, register);
        string runs = $"/synchronization/imodels/storageConnections/{connectionId}";

        // No key column named like id/tag/key: rows are identified by number, and the task says how to fix it.
        var first = await RunAsync(runs);
        Assert.AreEqual("", first.GetProperty("resolvedSettings").Str("spreadsheetKeyColumn"), first.ToString());
        var report = first.RunTasks().Single().GetProperty("details").GetProperty("synchronizationReport");
        Assert.AreEqual(1, report.GetProperty("totalWarningsCount").GetInt32());
        StringAssert.Contains(report.Str("message"), "spreadsheetKeyColumn");

        var (created, body) = await Host.SendAsync(HttpMethod.Post, $"/synchronization/configurations/connections/{connectionId}", new { spreadsheetKeyColumn = "Serial" });
        Assert.AreEqual(HttpStatusCode.Created, created, body.ToString());

        // Same file, new setting: the file is read again and its elements take their identity from the key.
        var second = await RunAsync(runs);
        Assert.AreEqual("Serial", second.GetProperty("resolvedSettings").Str("spreadsheetKeyColumn"));
        var task = second.RunTasks().Single();
        Assert.AreEqual("Success", task.Str("result"), second.ToString());
        Assert.AreEqual(0, task.GetProperty("details").GetProperty("synchronizationReport").GetProperty("totalWarningsCount").GetInt32());
        Assert.AreEqual((2, 0, 2), await Host.ChangesetCountsAsync(iModelId, second.GetProperty("changeset").GetProperty("index").GetInt32()));
        var (_, elements) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements");
        CollectionAssert.AreEquivalent(new[] { "S-1", "S-2" }, elements.GetProperty("elements").EnumerateArray().Select(e => e.Str("identifier")).ToArray());

        // Keyed rows can move: reordering them changes nothing, and an unchanged setting skips the file again.
        using (var content = new ByteArrayContent("Serial,Name\nS-2,valve\nS-1,pump\n"u8.ToArray()))
        {
            Assert.AreEqual(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Put, $"/storage/files/{register}/content", content)).Status);
        }

        var third = await RunAsync(runs);
        Assert.AreEqual("Success", third.Str("result"), third.ToString());
        Assert.IsFalse(third.TryGetProperty("changeset", out _), "reordered keyed rows are no change");
        var fourth = await RunAsync(runs);
        Assert.AreEqual("Skipped", fourth.RunTasks().Single().Str("result"), fourth.ToString());
    }

    private static Task<System.Text.Json.JsonElement> RunAsync(string connectionPath) => Host.RunToCompletionAsync($"{connectionPath}/run");
}
