using System.Net;
using System.Text.Json;

namespace Sync.LocalHost.Tests;

/// <summary>
/// A run whose host stops making progress (here: its only file's download never answers in time) must not hold
/// its connection forever: after <c>Runs:AbandonAfter</c> of silence the next start ends it with a clear error,
/// takes its lock over and runs; the silent run, when it resumes, pushes nothing.
/// </summary>
[TestClass]
public sealed class AbandonedRunTests
{
    private const string Path = "/synchronization/imodels/manifestConnections";
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan StuckFor = TimeSpan.FromSeconds(15);
    private static RunningHost? _host;

    private static RunningHost Host => _host ?? throw new InvalidOperationException("The host did not start.");

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        _ = context;
        _host = await RunningHost.StartHealthyAsync($"--Runs:AbandonAfter={AbandonAfter}");
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_silent_run_is_ended_as_abandoned_by_the_next_start_and_never_pushes()
    {
        var host = Host;
        using var files = new LoopbackFileServer();
        files.Serve("/stuck.csv", "Tag,Flow\nS-1,1\nS-2,2\n", delay: StuckFor);
        files.Serve("/good.csv", "Tag,Flow\nG-1,1\n");
        var (_, iModelId) = await host.CreateIModelAsync();
        var (_, created) = await host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-a" } } });
        string connectionId = created.GetProperty("connection").Str("id");

        var (status, _) = await host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", Manifest(files.Url("/stuck.csv")));
        Assert.AreEqual(HttpStatusCode.Accepted, status);
        string stuckPath = host.LastLocation!.PathAndQuery;
        var stuck = await host.WaitRunAsync(stuckPath, run => run.Str("state") == "Executing" && files.Requests("/stuck.csv") > 0);

        // Silent for longer than AbandonAfter: the next start ends it and starts a run of its own (202, not 303).
        await WaitUntilSilentAsync(stuck);

        (status, _) = await host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", Manifest(files.Url("/good.csv")));
        Assert.AreEqual(HttpStatusCode.Accepted, status);
        string nextPath = host.LastLocation!.PathAndQuery;
        Assert.AreNotEqual(stuckPath, nextPath);

        var (_, abandonedBody) = await host.SendAsync(HttpMethod.Get, stuckPath);
        var abandoned = abandonedBody.GetProperty("run");
        Assert.AreEqual(("Completed", "Error"), (abandoned.Str("state"), abandoned.Str("result")), abandoned.ToString());
        Assert.AreEqual("RunAbandoned", abandoned.GetProperty("error").Str("errorKey"));
        StringAssert.Contains(abandoned.GetProperty("error").Str("description"), "nothing it had read was pushed");

        var next = await host.WaitRunCompletedAsync(nextPath);
        Assert.AreEqual("Success", next.Str("result"), next.ToString());
        Assert.AreEqual(1, next.GetProperty("changeset").GetProperty("index").GetInt32());

        // The silent run resumes once its download answers; it no longer holds the lock, so it pushes nothing.
        await Task.Delay(StuckFor + TimeSpan.FromSeconds(8));
        var (_, changesets) = await host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changesets");
        Assert.AreEqual(1, changesets.GetProperty("changesets").GetArrayLength(), changesets.ToString());
        var (_, elements) = await host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements");
        CollectionAssert.AreEquivalent(new[] { "G-1" }, elements.GetProperty("elements").EnumerateArray().Select(e => e.Str("identifier")).ToArray());
        var (_, afterBody) = await host.SendAsync(HttpMethod.Get, stuckPath);
        Assert.AreEqual("RunAbandoned", afterBody.GetProperty("run").GetProperty("error").Str("errorKey"), "the record stays as the abandonment left it");

        // And the connection is free: a further run starts and completes normally.
        (status, _) = await host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", Manifest(files.Url("/good.csv")));
        Assert.AreEqual(HttpStatusCode.Accepted, status);
        var last = await host.WaitRunCompletedAsync(host.LastLocation!.PathAndQuery);
        Assert.AreEqual("Success", last.Str("result"), last.ToString());
        Assert.AreEqual("Skipped", last.RunTasks().Single().Str("result"));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_silent_run_is_shown_ended_to_anyone_who_looks_and_cancelling_one_ends_it_at_once()
    {
        var host = Host;
        using var files = new LoopbackFileServer();
        files.Serve("/stuck.csv", "Tag,Flow\nS-1,1\n", delay: StuckFor);
        var (_, iModelId) = await host.CreateIModelAsync();
        var stuck = new List<(string Document, string ConnectionId, string RunPath, JsonElement Run)>();
        foreach (string document in new[] { "doc-a", "doc-b" })
        {
            var (_, created) = await host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = document } } });
            string connectionId = created.GetProperty("connection").Str("id");
            var (status, _) = await host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new { sourceFiles = new[] { new { id = document, name = "s.csv", url = files.Url("/stuck.csv"), connectorType = "PSEXCEL" } } });
            Assert.AreEqual(HttpStatusCode.Accepted, status);
            string runPath = host.LastLocation!.PathAndQuery;
            stuck.Add((document, connectionId, runPath, await host.WaitRunAsync(runPath, run => run.Str("state") == "Executing")));
        }

        await WaitUntilSilentAsync(stuck[^1].Run);

        // Looking at the history: the silent run is not shown executing any more.
        var (_, history) = await host.SendAsync(HttpMethod.Get, $"{Path}/{stuck[0].ConnectionId}/runs");
        var listed = history.GetProperty("runs").EnumerateArray().Single();
        Assert.AreEqual(("Completed", "Error"), (listed.Str("state"), listed.Str("result")), history.ToString());
        var (_, first) = await host.SendAsync(HttpMethod.Get, stuck[0].RunPath);
        Assert.AreEqual("RunAbandoned", first.GetProperty("run").GetProperty("error").Str("errorKey"), first.ToString());

        // Cancelling one: nothing would receive the event, so it is ended at once.
        var (cancelled, body) = await host.SendAsync(HttpMethod.Post, stuck[1].RunPath + "/cancel");
        Assert.AreEqual(HttpStatusCode.Accepted, cancelled, body.ToString());
        var (_, second) = await host.SendAsync(HttpMethod.Get, stuck[1].RunPath);
        Assert.AreEqual(("Completed", "RunAbandoned"), (second.GetProperty("run").Str("state"), second.GetProperty("run").GetProperty("error").Str("errorKey")), second.ToString());

        // Both connections are free.
        foreach (var (document, connectionId, _, _) in stuck)
        {
            var (next, _) = await host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new { sourceFiles = new[] { new { id = document, action = "unmap" } } });
            Assert.AreEqual(HttpStatusCode.Accepted, next);
            await host.WaitRunCompletedAsync(host.LastLocation!.PathAndQuery);
        }
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_run_that_keeps_reporting_progress_is_not_abandoned()
    {
        var host = Host;
        using var files = new LoopbackFileServer();
        var (_, iModelId) = await host.CreateIModelAsync();
        var documents = Enumerable.Range(0, 12).Select(i => $"doc-{i}").ToList();
        foreach (string document in documents)
        {
            // Each file takes 1.5 s, four at a time: the run lasts over 4 s but writes its record every file.
            files.Serve($"/{document}.csv", $"Tag,Flow\n{document},1\n", delay: TimeSpan.FromSeconds(1.5));
        }

        var (_, created) = await host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = documents.Select(d => new { sourceFileId = d }) });
        string connectionId = created.GetProperty("connection").Str("id");
        var manifest = new { sourceFiles = documents.Select(d => new { id = d, name = $"{d}.csv", url = files.Url($"/{d}.csv"), connectorType = "PSEXCEL" }) };
        var (status, _) = await host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", manifest);
        Assert.AreEqual(HttpStatusCode.Accepted, status);
        string runPath = host.LastLocation!.PathAndQuery;

        int redirects = 0;
        while (true)
        {
            var (_, body) = await host.SendAsync(HttpMethod.Get, runPath);
            if (body.GetProperty("run").Str("state") == "Completed")
            {
                break;
            }

            var (answer, location) = await host.PostForLocationAsync($"{Path}/{connectionId}/runs", manifest);
            if (answer == HttpStatusCode.SeeOther)
            {
                redirects++;
                Assert.AreEqual(runPath, location!.PathAndQuery);
            }
            else
            {
                // The run finished between the two requests: a new one may start.
                Assert.AreEqual(HttpStatusCode.Accepted, answer);
                await host.WaitRunCompletedAsync(location!.PathAndQuery);
                break;
            }

            await Task.Delay(1000);
        }

        var run = await host.WaitRunCompletedAsync(runPath);
        Assert.AreEqual("Success", run.Str("result"), run.ToString());
        Assert.IsGreaterThanOrEqualTo(3, redirects, "the run was busy for several seconds and every start in that time pointed at it");
    }

    /// <summary>Waits until the run has been silent for longer than AbandonAfter.</summary>
    private static async Task WaitUntilSilentAsync(JsonElement run)
    {
        var silentSince = DateTimeOffset.Parse(run.Str("lastActivityDateTime"), System.Globalization.CultureInfo.InvariantCulture);
        var wait = silentSince + AbandonAfter + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static object Manifest(string url) => new { sourceFiles = new[] { new { id = "doc-a", name = "a.csv", url, connectorType = "PSEXCEL" } } };
}
