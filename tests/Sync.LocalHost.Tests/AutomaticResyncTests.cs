using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

/// <summary>
/// Automatic resync on a host of its own with a short quiet period: new versions of stored files — uploaded through
/// the API or written straight into the files container with the Azure SDK — start runs by themselves.
/// </summary>
[TestClass]
public sealed class AutomaticResyncTests
{
    private const string Connections = "/synchronization/imodels/storageConnections";
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);
    private static RunningHost? _host;
    private static string _prefix = string.Empty;

    private static RunningHost Host => _host!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        _ = context;
        _prefix = TestStorage.NewPrefix("r");
        _host = await RunningHost.StartAsync(_prefix, TestStorage.NewPrefix("Hub"), $"--Resync:QuietPeriod={QuietPeriod}", "--Resync:ScanInterval=00:00:00.500");
        await _host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
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
    public async Task A_burst_of_ten_uploads_is_one_automatic_run_that_reads_the_last_version()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string file = (await Host.UploadAsync(iTwinId, "pumps.csv", Pumps(0))).Str("id");
        string connection = await Host.CreateStorageConnectionAsync(iModelId, file);

        for (int version = 1; version <= 10; version++)
        {
            await ReplaceAsync(file, Pumps(version));
        }

        var run = await WaitForRunsAsync(connection, 1);
        Assert.AreEqual("automatic", run[0].Str("trigger"), run[0].ToString());
        var done = await Host.WaitRunCompletedAsync(RunPath(connection, run[0].Str("id")));
        Assert.AreEqual("Success", done.Str("result"), done.ToString());
        Assert.AreEqual("automatic", done.Str("trigger"));
        Assert.AreEqual(10.0, await FlowOfP1Async(iModelId), "the iModel holds the last version");

        await AssertNoMoreRunsAsync(connection, 1);
    }

    [TestMethod]
    public async Task A_change_during_a_run_queues_exactly_one_follow_up_run_started_when_it_ends()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string file = (await Host.UploadAsync(iTwinId, "pumps.csv", Pumps(0))).Str("id");
        string connection = await Host.CreateStorageConnectionAsync(iModelId, file);

        var (status, location) = await Host.PostForLocationAsync($"{Connections}/{connection}/run");
        Assert.AreEqual(HttpStatusCode.Accepted, status);

        // Three changes while the manual run is active (it holds its connection from the moment it answered 202).
        await ReplaceAsync(file, Pumps(1));
        await ReplaceAsync(file, Pumps(2));
        await ReplaceAsync(file, Pumps(3));
        var manual = await Host.WaitRunCompletedAsync(location!.PathAndQuery);
        Assert.AreEqual("manual", manual.Str("trigger"));

        var runs = await WaitForRunsAsync(connection, 2);
        var followUp = runs[0];
        Assert.AreEqual("automatic", followUp.Str("trigger"), followUp.ToString());
        followUp = await Host.WaitRunCompletedAsync(RunPath(connection, followUp.Str("id")));
        Assert.IsGreaterThanOrEqualTo(DateTimeOffset.Parse(manual.Str("endDateTime"), null), DateTimeOffset.Parse(followUp.Str("startDateTime"), null), "the follow-up starts after the active run ends");
        Assert.AreEqual(3.0, await FlowOfP1Async(iModelId));

        await AssertNoMoreRunsAsync(connection, 2);
    }

    [TestMethod]
    public async Task A_manual_run_started_after_a_change_leaves_no_automatic_run_to_do()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string file = (await Host.UploadAsync(iTwinId, "pumps.csv", Pumps(0))).Str("id");
        string connection = await Host.CreateStorageConnectionAsync(iModelId, file);

        await ReplaceAsync(file, Pumps(4));
        var manual = await Host.RunToCompletionAsync($"{Connections}/{connection}/run");
        Assert.AreEqual("Success", manual.Str("result"), manual.ToString());
        Assert.AreEqual(4.0, await FlowOfP1Async(iModelId));

        await AssertNoMoreRunsAsync(connection, 1);
    }

    [TestMethod]
    public async Task Blobs_written_straight_into_the_files_container_become_new_versions_and_start_one_run_each()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string file = (await Host.UploadAsync(iTwinId, "pumps.csv", Pumps(0))).Str("id");
        string connection = await Host.CreateStorageConnectionAsync(iModelId, file);
        var container = new BlobContainerClient(TestStorage.ConnectionString, _prefix.ToLowerInvariant() + "-storage");

        // A new blob in the file's folder, as AzCopy or Storage Explorer would write it.
        byte[] written = Pumps(7);
        var blob = container.GetBlobClient($"{iTwinId:D}/{file}/from-another-tool.csv");
        await blob.UploadAsync(new BinaryData(written));
        var first = (await WaitForRunsAsync(connection, 1))[0];
        Assert.AreEqual("automatic", first.Str("trigger"));
        first = await Host.WaitRunCompletedAsync(RunPath(connection, first.Str("id")));
        Assert.AreEqual("Success", first.Str("result"), first.ToString());
        Assert.AreEqual(7.0, await FlowOfP1Async(iModelId));

        var (_, metadata) = await Host.SendAsync(HttpMethod.Get, $"/storage/files/{file}");
        Assert.AreEqual(2, metadata.GetProperty("file").GetProperty("version").GetInt32(), metadata.ToString());
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(written)), metadata.GetProperty("file").Str("contentHash"));

        // The same blob overwritten in place: one more version, one more run.
        await blob.UploadAsync(new BinaryData(Pumps(8)), overwrite: true);
        var runs = await WaitForRunsAsync(connection, 2);
        var second = await Host.WaitRunCompletedAsync(RunPath(connection, runs[0].Str("id")));
        Assert.AreEqual("automatic", second.Str("trigger"));
        Assert.AreEqual(8.0, await FlowOfP1Async(iModelId));

        // Blobs that are no file's version start nothing: a stray name, and a folder of an unknown file.
        await container.GetBlobClient("stray.csv").UploadAsync(new BinaryData(Pumps(9)));
        await container.GetBlobClient($"{iTwinId:D}/not-a-file/x.csv").UploadAsync(new BinaryData(Pumps(9)));
        await AssertNoMoreRunsAsync(connection, 2);
    }

    [TestMethod]
    public async Task AutoSync_off_at_the_iTwin_starts_no_run_and_a_connection_scope_can_turn_it_back_on()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string file = (await Host.UploadAsync(iTwinId, "pumps.csv", Pumps(0))).Str("id");
        string connection = await Host.CreateStorageConnectionAsync(iModelId, file);
        var (status, body) = await Host.SendAsync(HttpMethod.Post, $"/synchronization/configurations/itwins/{iTwinId}", new { autoSync = false });
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());

        await ReplaceAsync(file, Pumps(1));
        await AssertNoMoreRunsAsync(connection, 0);

        (status, body) = await Host.SendAsync(HttpMethod.Post, $"/synchronization/configurations/connections/{connection}", new { autoSync = true });
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());
        await ReplaceAsync(file, Pumps(2));
        var run = (await WaitForRunsAsync(connection, 1))[0];
        run = await Host.WaitRunCompletedAsync(RunPath(connection, run.Str("id")));
        Assert.AreEqual("automatic", run.Str("trigger"));
        Assert.AreEqual("true", run.GetProperty("resolvedSettings").GetProperty("autoSync").GetRawText());
        Assert.AreEqual(2.0, await FlowOfP1Async(iModelId));
    }

    [TestMethod]
    public async Task A_file_no_connection_maps_and_a_deleted_file_start_nothing()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string mapped = (await Host.UploadAsync(iTwinId, "pumps.csv", Pumps(0))).Str("id");
        string unmapped = (await Host.UploadAsync(iTwinId, "other.csv", Pumps(0))).Str("id");
        string connection = await Host.CreateStorageConnectionAsync(iModelId, mapped);

        await ReplaceAsync(unmapped, Pumps(1));
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/files/{mapped}")).Status);
        await AssertNoMoreRunsAsync(connection, 0);
    }

    private static byte[] Pumps(int flow) => Encoding.UTF8.GetBytes($"Tag,Flow\nP-1,{flow}\nP-2,5\n");

    private static string RunPath(string connection, string runId) => $"{Connections}/{connection}/runs/{runId}";

    private static async Task ReplaceAsync(string fileId, byte[] content)
    {
        using var bytes = new ByteArrayContent(content);
        var (status, body) = await Host.SendAsync(HttpMethod.Put, $"/storage/files/{fileId}/content", bytes);
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
    }

    /// <summary>The connection's runs, newest first, with every field.</summary>
    private static async Task<List<JsonElement>> RunsAsync(string connection)
    {
        var (status, body) = await Host.SendAsync(HttpMethod.Get, $"{Connections}/{connection}/runs", configure: r => r.Headers.Add("Prefer", "return=representation"));
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        return body.GetProperty("runs").EnumerateArray().ToList();
    }

    private static async Task<List<JsonElement>> WaitForRunsAsync(string connection, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var runs = await RunsAsync(connection);
            Assert.IsLessThanOrEqualTo(count, runs.Count, string.Join('\n', runs));
            if (runs.Count == count)
            {
                return runs;
            }

            Assert.IsLessThan(deadline, DateTime.UtcNow, $"expected {count} run(s), found {runs.Count}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits out several quiet periods and scans: no further run may have started.</summary>
    private static async Task AssertNoMoreRunsAsync(string connection, int count)
    {
        await Task.Delay(QuietPeriod * 3 + TimeSpan.FromSeconds(2));
        var runs = await RunsAsync(connection);
        Assert.HasCount(count, runs, string.Join('\n', runs));
        foreach (var run in runs)
        {
            await Host.WaitRunCompletedAsync(RunPath(connection, run.Str("id")));
        }
    }

    private static async Task<double> FlowOfP1Async(string iModelId)
    {
        var (_, body) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?$top=100");
        var p1 = body.GetProperty("elements").EnumerateArray().Single(e => e.Str("identifier").EndsWith("P-1", StringComparison.Ordinal));
        return p1.GetProperty("properties").GetProperty("Flow").GetDouble();
    }
}
