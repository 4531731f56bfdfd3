using System.Net;
using System.Text;
using System.Text.Json;

namespace Sync.LocalHost.Tests;

/// <summary>Runs of storage connections over HTTP: the durable orchestration end to end on Azurite.</summary>
[TestClass]
public sealed class RunsApiTests
{
    private const string Path = "/synchronization/imodels/storageConnections";

    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_run_synchronizes_good_files_reports_the_bad_one_and_a_rerun_pushes_nothing()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string pumps = (await Host.UploadAsync(iTwinId, "pumps.csv", Encoding.UTF8.GetBytes("Tag,Flow\nP-1,1\nP-2,2\n"))).Str("id");
        string valves = (await Host.UploadAsync(iTwinId, "valves.csv", Encoding.UTF8.GetBytes("Tag,Size\nV-1,DN50\n"))).Str("id");
        string broken = (await Host.UploadAsync(iTwinId, "broken.xlsx", Encoding.UTF8.GetBytes("this is not a workbook"))).Str("id");
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, pumps, valves, broken);

        var first = await RunToCompletionAsync(connectionId);
        Assert.AreEqual("PartialSuccess", first.Str("result"), first.ToString());
        Assert.AreEqual("SomeJobsFailed", first.GetProperty("error").Str("errorKey"));
        Assert.AreEqual(1, first.GetProperty("changeset").GetProperty("index").GetInt32());
        var tasks = Tasks(first);
        Assert.AreEqual("Success", tasks[pumps].Str("result"));
        Assert.AreEqual(2, tasks[pumps].GetProperty("details").GetProperty("synchronizationReport").GetProperty("inserted").GetInt32());
        var error = tasks[broken].GetProperty("error");
        Assert.AreEqual("Error", tasks[broken].Str("result"));
        Assert.AreEqual("SourceFileUnreadable", error.Str("errorCode"));
        Assert.IsTrue(error.GetProperty("canUserFix").GetBoolean());
        StringAssert.Contains(error.Str("description"), "broken.xlsx");

        var (_, connection) = await Host.SendAsync(HttpMethod.Get, $"{Path}/{connectionId}");
        StringAssert.EndsWith(connection.GetProperty("connection").GetProperty("_links").GetProperty("lastRun").Str("href"), first.Str("id"));

        // Nothing changed: every file is skipped unread (the corrupt one too, with a warning) and nothing is pushed.
        var second = await RunToCompletionAsync(connectionId);
        Assert.AreEqual("Success", second.Str("result"), second.ToString());
        Assert.IsFalse(second.TryGetProperty("changeset", out _), second.ToString());
        tasks = Tasks(second);
        Assert.IsTrue(tasks.Values.All(t => t.Str("result") == "Skipped"), second.ToString());
        var stillBroken = tasks[broken].GetProperty("details").GetProperty("synchronizationReport");
        Assert.AreEqual(("Warning", 1), (stillBroken.Str("suggestedAction"), stillBroken.GetProperty("totalWarningsCount").GetInt32()));
        StringAssert.Contains(stillBroken.Str("message"), first.Str("id"));

        // One file edited: one changeset with exactly its differences.
        using (var content = new ByteArrayContent(Encoding.UTF8.GetBytes("Tag,Flow\nP-1,1\nP-2,5\nP-3,1\n")))
        {
            Assert.AreEqual(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Put, $"/storage/files/{pumps}/content", content)).Status);
        }

        var third = await RunToCompletionAsync(connectionId);
        Assert.AreEqual(2, third.GetProperty("changeset").GetProperty("index").GetInt32(), third.ToString());
        var (_, changeset) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/2");
        var cs = changeset.GetProperty("changeset");
        Assert.AreEqual((1, 1, 0), (cs.GetProperty("inserted").GetInt32(), cs.GetProperty("updated").GetInt32(), cs.GetProperty("deleted").GetInt32()));
        Assert.AreEqual("Skipped", Tasks(third)[valves].Str("result"));

        // A file removed from the connection: the next run deletes its elements.
        var (_, sourceFiles) = await Host.SendAsync(HttpMethod.Get, $"{Path}/{connectionId}/sourcefiles");
        string valvesSource = sourceFiles.GetProperty("sourceFiles").EnumerateArray().Single(f => f.Str("storageFileId") == valves).Str("id");
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"{Path}/{connectionId}/sourcefiles/{valvesSource}")).Status);
        var fourth = await RunToCompletionAsync(connectionId);
        Assert.AreEqual(3, fourth.GetProperty("changeset").GetProperty("index").GetInt32(), fourth.ToString());
        var (_, removal) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets/3");
        Assert.AreEqual((0, 0, 1), (removal.GetProperty("changeset").GetProperty("inserted").GetInt32(), removal.GetProperty("changeset").GetProperty("updated").GetInt32(), removal.GetProperty("changeset").GetProperty("deleted").GetInt32()));
        var (_, left) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?sourceFileId={valvesSource}");
        Assert.AreEqual(0, left.GetProperty("elements").GetArrayLength());

        var (_, history) = await Host.SendAsync(HttpMethod.Get, $"{Path}/{connectionId}/runs");
        CollectionAssert.AreEqual(
            new[] { fourth.Str("id"), third.Str("id"), second.Str("id"), first.Str("id") },
            history.GetProperty("runs").EnumerateArray().Select(r => r.Str("id")).ToArray(),
            "newest first");
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Simultaneous_start_requests_start_exactly_one_run()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => StartAsync(connectionId)));
        Assert.AreEqual(1, answers.Count(a => a.Status == HttpStatusCode.Accepted), string.Join(", ", answers.Select(a => a.Status)));
        Assert.IsTrue(answers.All(a => a.Status is HttpStatusCode.Accepted or HttpStatusCode.SeeOther or HttpStatusCode.Conflict));
        string runUrl = answers.Single(a => a.Status == HttpStatusCode.Accepted).Location!.ToString();
        Assert.IsTrue(answers.Where(a => a.Status == HttpStatusCode.SeeOther).All(a => a.Location!.ToString() == runUrl), "303s point to the active run");

        await WaitCompletedAsync(runUrl);
        var (_, history) = await Host.SendAsync(HttpMethod.Get, $"{Path}/{connectionId}/runs");
        Assert.AreEqual(1, history.GetProperty("runs").GetArrayLength());
    }

    [TestMethod]
    public async Task Unknown_connection_or_run_is_404()
    {
        (await Host.SendAsync(HttpMethod.Post, $"{Path}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/run")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        (await Host.SendAsync(HttpMethod.Get, $"{Path}/{connectionId}/runs/{new string('0', 40)}")).AssertError(HttpStatusCode.NotFound, "ConnectionRunNotFound");
    }

    [TestMethod]
    public async Task A_deleted_connection_s_runs_are_gone_though_the_host_knows_its_kind()
    {
        // Run reads take the connection's existence from the run query, not from the connection: this host has just
        // read both (so it remembers the connection's iTwin and kind), and they must still answer 404 after the delete.
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string connectionId = await Host.CreateStorageConnectionAsync(iModelId, await Host.UploadIdAsync(iTwinId));
        string runId = (await RunToCompletionAsync(connectionId)).Str("id");
        string[] reads = [$"{Path}/{connectionId}/runs/{runId}", $"{Path}/{connectionId}/runs"];
        foreach (string read in reads)
        {
            var (status, body) = await Host.SendAsync(HttpMethod.Get, read);
            Assert.AreEqual(HttpStatusCode.OK, status, $"{read}: {body}");
        }

        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"{Path}/{connectionId}")).Status);
        foreach (string read in reads)
        {
            (await Host.SendAsync(HttpMethod.Get, read)).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
        }

        // The same connection read as the other kind is not found either, before or after.
        (await Host.SendAsync(HttpMethod.Get, $"/synchronization/imodels/manifestConnections/{connectionId}/runs/{runId}")).AssertError(HttpStatusCode.NotFound, "ConnectionNotFound");
    }

    private static Task<JsonElement> RunToCompletionAsync(string connectionId) => Host.RunToCompletionAsync($"{Path}/{connectionId}/run");

    private static Task<(HttpStatusCode Status, Uri? Location)> StartAsync(string connectionId) => Host.PostForLocationAsync($"{Path}/{connectionId}/run");

    private static Task<JsonElement> WaitCompletedAsync(string runUrl) => Host.WaitRunCompletedAsync(new Uri(runUrl).PathAndQuery);

    private static Dictionary<string, JsonElement> Tasks(JsonElement run) =>
        run.RunTasks().Where(t => t.TryGetProperty("storageFileId", out _))
            .ToDictionary(t => t.Str("storageFileId"));
}
