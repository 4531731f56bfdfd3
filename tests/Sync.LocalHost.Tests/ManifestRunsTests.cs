using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Sync.Testing;
using Sync.Tests.Generators;

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
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Reference_files_and_document_metadata_follow_their_master()
    {
        using var files = new LoopbackFileServer();
        files.Serve("/m.csv", "Tag,Flow\nM-1,1\nM-2,2\n");
        files.Serve("/r1.csv", "Tag,Size\nR1-1,DN50\n");
        files.Serve("/r2.csv", "Tag,Size\nR2-1,DN80\nR2-2,DN100\n");
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-m" } } });
        string connectionId = created.GetProperty("connection").Str("id");
        object Master(string revision, params object[] children) => new
        {
            id = "doc-m",
            name = "m.csv",
            url = files.Url("/m.csv"),
            connectorType = "PSEXCEL",
            action = "bridge",
            documentAttribute = new { className = "ProjectwiseDynamic:PWDocumentLink", properties = new Dictionary<string, object?> { ["Revision"] = revision, ["Suitability"] = "S01", ["Sheets"] = 3, ["Approved"] = null } },
            children,
        };
        var r1 = new { id = "ref-1", parentId = "doc-m", name = "r1.csv", url = files.Url("/r1.csv"), connectorType = "PSEXCEL" };
        var r2 = new { id = "ref-2", parentId = "ref-1", name = "r2.csv", url = files.Url("/r2.csv"), connectorType = "PSEXCEL" };

        // The master, its document element and both reference files, each a task of the run.
        var first = await RunAsync(connectionId, [Master("R01", r1, r2)]);
        Assert.AreEqual("Success", first.Str("result"), first.ToString());
        CollectionAssert.AreEquivalent(new[] { "doc-m", "ref-1", "ref-2" }, Tasks(first).Select(t => t.Str("sourceFileId")).ToArray(), first.ToString());
        Assert.AreEqual((6, 0, 0), await Host.ChangesetCountsAsync(iModelId, 1));
        var elements = await ElementsAsync(iModelId);
        CollectionAssert.AreEquivalent(new[] { "M-1", "M-2", "#document", "R1-1", "R2-1", "R2-2" }, elements.Keys.ToArray());
        var document = elements["#document"];
        Assert.AreEqual("ProjectwiseDynamic:PWDocumentLink", document.Str("classFullName"));
        Assert.AreEqual("m.csv", document.Str("userLabel"));
        Assert.AreEqual(("R01", 3), (document.GetProperty("properties").Str("Revision"), document.GetProperty("properties").GetProperty("Sheets").GetInt32()));
        Assert.IsFalse(document.GetProperty("properties").TryGetProperty("Approved", out _), "null properties are left out");
        Assert.AreEqual(elements["M-1"].Str("sourceFileId"), document.Str("sourceFileId"), "the document element belongs to its file");

        // A new revision of the same file: exactly the document element changes; the reference files are skipped.
        var second = await RunAsync(connectionId, [Master("R02", r1, r2)]);
        Assert.AreEqual((0, 1, 0), await Host.ChangesetCountsAsync(iModelId, second.GetProperty("changeset").GetProperty("index").GetInt32()), second.ToString());
        Assert.IsTrue(Tasks(second).Where(t => t.Str("sourceFileId") != "doc-m").All(t => t.Str("result") == "Skipped"));

        // A reference file no longer listed loses its elements.
        var third = await RunAsync(connectionId, [Master("R02", r1)]);
        Assert.AreEqual((0, 0, 2), await Host.ChangesetCountsAsync(iModelId, third.GetProperty("changeset").GetProperty("index").GetInt32()), third.ToString());
        CollectionAssert.AreEquivalent(new[] { "M-1", "M-2", "#document", "R1-1" }, (await ElementsAsync(iModelId)).Keys.ToArray());

        // Unmapping the master takes its reference files with it.
        var fourth = await RunAsync(connectionId, [new { id = "doc-m", action = "unmap" }]);
        Assert.AreEqual((0, 0, 4), await Host.ChangesetCountsAsync(iModelId, fourth.GetProperty("changeset").GetProperty("index").GetInt32()), fourth.ToString());
        Assert.IsEmpty(await ElementsAsync(iModelId));
    }

    [TestMethod]
    public async Task Bad_reference_files_and_document_metadata_are_422_naming_each_problem()
    {
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-a" } } });
        string connectionId = created.GetProperty("connection").Str("id");
        var (status, body) = await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new
        {
            sourceFiles = new object[]
            {
                new
                {
                    id = "doc-a", name = "a.csv", url = "http://127.0.0.1/a.csv", connectorType = "PSEXCEL",
                    documentAttribute = new { className = "no colon", properties = new Dictionary<string, object> { ["Nested"] = new { x = 1 } } },
                    children = new object[]
                    {
                        new { id = "c-1", name = "c1.csv", url = "http://127.0.0.1/c1.csv", connectorType = "PSEXCEL", parentId = "nobody" },
                        new { id = "c-1", name = "c1.csv", url = "http://127.0.0.1/c1.csv", connectorType = "PSEXCEL" },
                        new { id = "c-2", url = "http://127.0.0.1/c2.csv", connectorType = "PSEXCEL" },
                    },
                },
            },
        });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        CollectionAssert.AreEquivalent(
            new[]
            {
                "sourceFiles[0].documentAttribute.className", "sourceFiles[0].documentAttribute.properties.Nested",
                "sourceFiles[0].children[0].parentId", "sourceFiles[0].children[1].id", "sourceFiles[0].children[2].name",
            },
            body.Targets().ToArray(),
            body.ToString());

        var tooMany = Enumerable.Range(0, 101).ToDictionary(i => $"P{i}", i => (object)i);
        (status, body) = await Host.SendAsync(HttpMethod.Post, $"{Path}/{connectionId}/runs", new
        {
            sourceFiles = new[] { new { id = "doc-a", name = "a.csv", url = "http://127.0.0.1/a.csv", connectorType = "PSEXCEL", documentAttribute = new { className = "Doc:Link", properties = tooMany } } },
        });
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, status, body.ToString());
        CollectionAssert.AreEqual(new[] { "sourceFiles[0].documentAttribute.properties" }, body.Targets().ToArray());
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
                new { id = "doc-a", name = "a.csv", url = "nowhere/a.csv", connectorType = "NOPE" },
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

        // The download's own retries (Downloads:Retries = 3) run out: the file's task error says how it ended.
        Assert.AreEqual(("Error", 3), (tasks["doc-d"].Str("result"), tasks["doc-d"].GetProperty("retryAttempts").GetInt32()));
        var error = tasks["doc-d"].GetProperty("error");
        Assert.AreEqual(("FailedToAccessDataSource", "file_access"), (error.Str("errorCode"), error.Str("category")));
        StringAssert.Contains(error.Str("description"), "after 4 attempts: the server answered 503");
        Assert.AreEqual((2, 4), (files.Requests("/flaky.csv"), files.Requests("/down.csv")));

        // The file that made it is in the run's one changeset.
        Assert.AreEqual(1, run.GetProperty("changeset").GetProperty("index").GetInt32());
        Assert.AreEqual((1, 0, 0), await Host.ChangesetCountsAsync(iModelId, 1));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Throttling_stalls_and_cut_off_bodies_are_retried_and_an_unchanged_ETag_skips_the_download()
    {
        using var files = new LoopbackFileServer();
        files.Serve("/throttled.csv", "Tag,Flow\nT-1,1\n", LoopbackFileServer.Fault.Throttled);
        files.Serve("/stalls.csv", "Tag,Flow\nS-1,1\nS-2,2\n", LoopbackFileServer.Fault.Stalls);
        files.Serve("/short.csv", "Tag,Flow\nC-1,1\n", LoopbackFileServer.Fault.CutShort);
        string[] names = ["throttled", "stalls", "short"];
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = names.Select(n => new { sourceFileId = n }).ToArray() });
        string connectionId = created.GetProperty("connection").Str("id");
        var manifest = names.Select(n => File(n, $"{n}.csv", files.Url($"/{n}.csv"))).ToArray();

        var first = await RunAsync(connectionId, manifest);
        Assert.AreEqual("Success", first.Str("result"), first.ToString());
        foreach (var task in Tasks(first))
        {
            Assert.AreEqual(("Success", 1), (task.Str("result"), task.GetProperty("retryAttempts").GetInt32()), task.ToString());
        }

        var throttled = files.RequestTimes("/throttled.csv");
        Assert.HasCount(2, throttled);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9), throttled[1] - throttled[0], "Retry-After: 1 is honoured (the backoff alone would be 0.1 s)");
        var rows = (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?$top=100")).Body.GetProperty("elements").EnumerateArray()
            .Select(e => e.Str("identifier")).Where(id => new[] { "T-1", "S-1", "S-2", "C-1" }.Any(tag => id.EndsWith(tag, StringComparison.Ordinal))).ToList();
        Assert.HasCount(4, rows, "every row of the three files arrived whole, the stalled and cut-off ones included");

        // The same URLs again: each answers 304 to the ETag the last run committed, and nothing is downloaded or read.
        var second = await RunAsync(connectionId, manifest);
        Assert.AreEqual("Success", second.Str("result"), second.ToString());
        CollectionAssert.AreEqual(new[] { "Skipped", "Skipped", "Skipped" }, Tasks(second).Select(t => t.Str("result")).ToArray(), second.ToString());
        CollectionAssert.AreEqual(new[] { 1, 1, 1 }, names.Select(n => files.NotModified($"/{n}.csv")).ToArray());
        Assert.IsFalse(second.TryGetProperty("changeset", out _));

        // A new version behind the same URL has a new ETag: it is downloaded and read.
        files.Serve("/throttled.csv", "Tag,Flow\nT-1,2\n");
        var third = await RunAsync(connectionId, manifest);
        var tasks = Tasks(third).ToDictionary(t => t.Str("sourceFileId"));
        Assert.AreEqual(("Success", "Skipped", "Skipped"), (tasks["throttled"].Str("result"), tasks["stalls"].Str("result"), tasks["short"].Str("result")), third.ToString());
        Assert.AreEqual((0, 1, 0), await Host.ChangesetCountsAsync(iModelId, 2));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task Azurite_SAS_URLs_are_downloaded_and_an_unchanged_blob_is_skipped_on_its_ETag()
    {
        var container = new BlobContainerClient(TestStorage.ConnectionString, TestStorage.NewPrefix("sas"));
        await container.CreateAsync();
        var blob = container.GetBlobClient("register.csv");
        await blob.UploadAsync(new BinaryData("Tag,Flow\nZ-1,1\nZ-2,2\n"u8.ToArray()));
        string Sas() => blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).ToString();
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-z" } } });
        string connectionId = created.GetProperty("connection").Str("id");

        var first = await RunAsync(connectionId, [File("doc-z", "register.csv", Sas())]);
        Assert.AreEqual(("Success", 2), (first.Str("result"), Tasks(first).Single().GetProperty("details").GetProperty("synchronizationReport").GetProperty("inserted").GetInt32()), first.ToString());

        // A fresh SAS URL for the same blob: the service's 304 to If-None-Match skips it unread.
        var second = await RunAsync(connectionId, [File("doc-z", "register.csv", Sas())]);
        Assert.AreEqual("Skipped", Tasks(second).Single().Str("result"), second.ToString());

        await blob.UploadAsync(new BinaryData("Tag,Flow\nZ-1,1\nZ-2,3\n"u8.ToArray()), overwrite: true);
        var third = await RunAsync(connectionId, [File("doc-z", "register.csv", Sas())]);
        Assert.AreEqual("Success", Tasks(third).Single().Str("result"), third.ToString());
        Assert.AreEqual((0, 1, 0), await Host.ChangesetCountsAsync(iModelId, 2));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task URLs_that_reach_private_addresses_in_any_spelling_or_by_redirect_are_task_errors()
    {
        using var files = new LoopbackFileServer();
        files.Serve("/ok.csv", "Tag\nA-1\n");
        files.Redirect("/jump.csv", "http://127.0.0.2/ok.csv");
        var refused = new[]
        {
            "http://127.0.0.2/a.csv", "http://[::1]/a.csv", "http://2130706434/a.csv", "http://0x7f000002/a.csv", "http://0177.0.0.2/a.csv",
            "http://[::ffff:127.0.0.2]/a.csv", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/a.csv", files.Url("/jump.csv"),
            "file:///etc/passwd", "ftp://127.0.0.1/a.csv",
        };
        var (_, iModelId) = await Host.CreateIModelAsync();
        var docs = refused.Select((_, i) => new { sourceFileId = $"doc-{i}" }).Append(new { sourceFileId = "doc-ok" }).ToArray();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = docs });
        string connectionId = created.GetProperty("connection").Str("id");

        var run = await RunAsync(connectionId, refused.Select((url, i) => File($"doc-{i}", $"f{i}.csv", url)).Append(File("doc-ok", "ok.csv", files.Url("/ok.csv"))).ToArray());
        var tasks = Tasks(run).ToDictionary(t => t.Str("sourceFileId"));
        Assert.AreEqual("Success", tasks["doc-ok"].Str("result"), "the allowed loopback server still serves");
        for (int i = 0; i < refused.Length; i++)
        {
            var error = tasks[$"doc-{i}"].GetProperty("error");
            Assert.AreEqual("FailedToAccessDataSource", error.Str("errorCode"), refused[i]);
            StringAssert.Contains(error.Str("description"), "was not downloaded", refused[i]);
        }

        StringAssert.Contains(tasks["doc-6"].GetProperty("error").Str("description"), "cloud metadata");
        StringAssert.Contains(tasks["doc-8"].GetProperty("error").Str("description"), "127.0.0.2", "the redirect's target is checked too");
        StringAssert.Contains(tasks["doc-9"].GetProperty("error").Str("description"), "'file:' URLs are not downloaded");
        Assert.AreEqual("file_access", tasks["doc-9"].GetProperty("error").Str("category"));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public async Task A_shapefile_master_is_read_with_its_dbf_shx_and_prj_children()
    {
        using var files = new LoopbackFileServer();
        void ServeLayer(GisFileWriter writer, string? projection)
        {
            foreach (var (name, bytes) in writer.Shapefile("roads", projection))
            {
                files.Serve("/" + name, bytes);
            }
        }

        ServeLayer(new GisFileWriter { Features = 6 }, GisFileWriter.UtmZone33NWkt);
        var (_, iModelId) = await Host.CreateIModelAsync();
        var (_, created) = await Host.SendAsync(HttpMethod.Post, Path, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-roads" } } });
        string connectionId = created.GetProperty("connection").Str("id");
        object Child(string extension) => new { id = "roads" + extension, name = "roads" + extension, url = files.Url("/roads" + extension), connectorType = "GEOSPATIAL" };
        object[] Manifest() => [new { id = "doc-roads", name = "roads.shp", url = files.Url("/roads.shp"), connectorType = "GEOSPATIAL", action = "bridge", children = new[] { Child(".dbf"), Child(".shx"), Child(".prj") } }];

        var first = await RunAsync(connectionId, Manifest());
        Assert.AreEqual("Success", first.Str("result"), first.ToString());
        Assert.AreEqual("doc-roads", Tasks(first).Single().Str("sourceFileId"), "the parts are read with the master, not as files of their own");
        var elements = await ElementsAsync(iModelId);
        Assert.AreEqual(6, elements.Values.Count(e => e.Str("classFullName") == "GEOSPATIAL:roads"));
        Assert.AreEqual("EPSG:32633", elements["layer:roads"].GetProperty("properties").Str("CRS"));

        Assert.AreEqual("Skipped", Tasks(await RunAsync(connectionId, Manifest())).Single().Str("result"), "same master and parts");

        // A part alone changes (here the .prj): the master is read again.
        ServeLayer(new GisFileWriter { Features = 6 }, "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"Degree\",0.0174532925199433]]");
        var third = await RunAsync(connectionId, Manifest());
        Assert.AreEqual("Success", third.Str("result"), third.ToString());
        Assert.AreEqual((0, 1, 0), await Host.ChangesetCountsAsync(iModelId, third.GetProperty("changeset").GetProperty("index").GetInt32()), "the layer's CRS changed");

        // Without its .dbf the master is a task error that says what to send.
        object[] withoutDbf = [new { id = "doc-roads", name = "roads.shp", url = files.Url("/roads.shp"), connectorType = "GEOSPATIAL", action = "bridge", children = new[] { Child(".shx") } }];
        files.Serve("/roads.shp", [0, 0, 39, 10]);
        var fourth = await RunAsync(connectionId, withoutDbf);
        StringAssert.Contains(Tasks(fourth).Single().GetProperty("error").Str("description"), ".dbf");
    }

    private static object File(string id, string name, string url) => new { id, name, url, connectorType = "PSEXCEL", action = "bridge", children = Array.Empty<object>() };

    private static Task<JsonElement> RunAsync(string connectionId, object[] sourceFiles) => Host.RunToCompletionAsync($"{Path}/{connectionId}/runs", new { sourceFiles });

    private static Task<JsonElement> WaitAsync(string runPath) => Host.WaitRunCompletedAsync(runPath);

    private static List<JsonElement> Tasks(JsonElement run) => run.RunTasks();

    private static async Task<Dictionary<string, JsonElement>> ElementsAsync(string iModelId)
    {
        var (status, body) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        return body.GetProperty("elements").EnumerateArray().ToDictionary(e => e.Str("identifier"));
    }
}
