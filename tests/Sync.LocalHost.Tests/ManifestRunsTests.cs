using System.Net;
using System.Text;
using System.Text.Json;

namespace Sync.LocalHost.Tests;

/// <summary>Manifest runs: files downloaded from pre-authenticated URLs (served here on loopback), unmap deletes.</summary>
[TestClass]
public sealed class ManifestRunsTests
{
    private const string Path = "/synchronization/imodels/manifestConnections";

    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Manifest_runs_download_skip_unchanged_unmap_and_report_bad_urls()
    {
        using var files = new LoopbackFileServer();
        files.Serve("/a.csv", "Tag,Flow\nA-1,1\nA-2,2\n");
        files.Serve("/b.csv", "Tag,Size\nB-1,DN50\n");
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-a" }, new { sourceFileId = "doc-b" } } });
        string connectionId = created.GetProperty("connection").Str("id");

        var first = await RunAsync(connectionId, new[] { File("doc-a", "a.csv", files.Url("/a.csv?sig=1")), File("doc-b", "b.csv", files.Url("/b.csv?sig=1")) });
        Assert.AreEqual("Success", first.Str("result"), first.ToString());
        Assert.AreEqual(1, first.GetProperty("changeset").GetProperty("index").GetInt32());

        // Fresh URLs, same content: nothing is pushed.
        var second = await RunAsync(connectionId, new[] { File("doc-a", "a.csv", files.Url("/a.csv?sig=2")), File("doc-b", "b.csv", files.Url("/b.csv?sig=2")) });
        Assert.IsFalse(second.TryGetProperty("changeset", out _), second.ToString());
        Assert.IsTrue(Tasks(second).All(t => t.Str("result") == "Skipped"));

        // Unmap: the file's elements are deleted in the run's changeset.
        var third = await RunAsync(connectionId, new object[] { new { id = "doc-b", action = "unmap" } });
        Assert.AreEqual(2, third.GetProperty("changeset").GetProperty("index").GetInt32(), third.ToString());
        var (_, changeset) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/2");
        Assert.AreEqual(1, changeset.GetProperty("changeset").GetProperty("deleted").GetInt32());
        var (_, elements) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements");
        CollectionAssert.AreEquivalent(new[] { "A-1", "A-2" }, elements.GetProperty("elements").EnumerateArray().Select(e => e.Str("identifier")).ToArray());

        // A URL that no longer works is a task error the user can act on; nothing is deleted.
        var fourth = await RunAsync(connectionId, new[] { File("doc-a", "a.csv", files.Url("/expired.csv")) });
        Assert.AreEqual("Error", fourth.Str("result"), fourth.ToString());
        var error = Tasks(fourth).Single().GetProperty("error");
        Assert.AreEqual("FailedToAccessDataSource", error.Str("errorCode"));
        StringAssert.Contains(error.Str("description"), "404");
        var (_, still) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements");
        Assert.AreEqual(2, still.GetProperty("elements").GetArrayLength());

        var (_, history) = await Host.SendAsync(HttpMethod.Get, $"{Path}/{connectionId}/runs");
        Assert.AreEqual(4, history.GetProperty("runs").GetArrayLength());
    }

    [TestMethod]
    public async Task A_malformed_manifest_is_422_naming_each_problem()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-a" } } });
        string connectionId = created.GetProperty("connection").Str("id");
        var (status, body) = await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new
        {
            sourceFiles = new object[]
            {
                new { id = "unknown", name = "x.csv", url = "http://127.0.0.1/x.csv", connectorType = "PSEXCEL" },
                new { id = "doc-a", name = "a.csv", url = "ftp://nowhere/a.csv", connectorType = "NOPE" },
            },
        });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        CollectionAssert.AreEquivalent(new[] { "sourceFiles[0].id", "sourceFiles[1].connectorType", "sourceFiles[1].url" }, body.Targets().ToArray());
        (await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs")).AssertError(HttpStatusCode.UnprocessableEntity, "MissingRequestBody");
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_cancelled_run_ends_cancelled_and_pushes_nothing()
    {
        using var files = new LoopbackFileServer();
        files.Serve("/slow.csv", "Tag,Flow\nS-1,1\n", TimeSpan.FromSeconds(8));
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-s" } } });
        string connectionId = created.GetProperty("connection").Str("id");

        var (status, _) = await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new { sourceFiles = new[] { File("doc-s", "slow.csv", files.Url("/slow.csv")) } });
        Assert.AreEqual(HttpStatusCode.Accepted, status);
        string runPath = Host.LastLocation!.PathAndQuery;
        var (cancelStatus, cancelBody) = await Host.SendAsync(HttpMethod.Post, runPath + "/cancel");
        Assert.AreEqual(HttpStatusCode.Accepted, cancelStatus, cancelBody.ToString());

        var run = await WaitAsync(runPath);
        Assert.AreEqual("Cancelled", run.Str("result"), run.ToString());
        Assert.IsFalse(run.TryGetProperty("changeset", out _));
        var (_, changesets) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets");
        Assert.AreEqual(0, changesets.GetProperty("changesets").GetArrayLength());
        (await Host.SendAsync(HttpMethod.Post, runPath + "/cancel")).AssertError(HttpStatusCode.Conflict, "RunAlreadyCompleted");

        // The connection is free again: the next run starts (202) rather than pointing at the cancelled one.
        var (next, _) = await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new { sourceFiles = new[] { new { id = "doc-s", action = "unmap" } } });
        Assert.AreEqual(HttpStatusCode.Accepted, next);
        await WaitAsync(Host.LastLocation!.PathAndQuery);
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Transient_faults_are_retried_and_counted_and_a_persistent_one_fails_only_its_file()
    {
        using var files = new LoopbackFileServer();
        files.Serve("/flaky.csv", "Tag,Flow\nF-1,1\n", unavailableFirst: 1);
        files.Serve("/down.csv", "Tag,Flow\nD-1,1\n", unavailableFirst: -1);
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-f" }, new { sourceFileId = "doc-d" } } });
        string connectionId = created.GetProperty("connection").Str("id");

        var run = await RunAsync(connectionId, new[] { File("doc-f", "flaky.csv", files.Url("/flaky.csv")), File("doc-d", "down.csv", files.Url("/down.csv")) });
        Assert.AreEqual("PartialSuccess", run.Str("result"), run.ToString());
        var tasks = Tasks(run).ToDictionary(t => t.Str("sourceFileId"));
        Assert.AreEqual(("Success", 1), (tasks["doc-f"].Str("result"), tasks["doc-f"].GetProperty("retryAttempts").GetInt32()));
        Assert.AreEqual(("Error", 2), (tasks["doc-d"].Str("result"), tasks["doc-d"].GetProperty("retryAttempts").GetInt32()));
        Assert.AreEqual("SynchronizationFailed", tasks["doc-d"].GetProperty("error").Str("errorCode"));
        StringAssert.Contains(tasks["doc-d"].GetProperty("error").Str("description"), "after 3 attempts");
        Assert.AreEqual((2, 3), (files.Requests("/flaky.csv"), files.Requests("/down.csv")));

        // The file that made it is in the run's one changeset.
        Assert.AreEqual(1, run.GetProperty("changeset").GetProperty("index").GetInt32());
        Assert.AreEqual((1, 0, 0), await Host.ChangesetCountsAsync(iModelId, 1));
    }

    private static object File(string id, string name, string url) => new { id, name, url, connectorType = "PSEXCEL", action = "bridge", children = Array.Empty<object>() };

    private static async Task<JsonElement> RunAsync(string connectionId, object[] sourceFiles)
    {
        var (status, body) = await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new { sourceFiles });
        Assert.AreEqual(HttpStatusCode.Accepted, status, body.ToString());
        return await WaitAsync(Host.LastLocation!.PathAndQuery);
    }

    private static Task<JsonElement> WaitAsync(string runPath) => Host.WaitRunCompletedAsync(runPath);

    private static List<JsonElement> Tasks(JsonElement run) => run.RunTasks();
}
