using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;

/// <summary>
/// From a new file version to the start of its automatic run (the run record's start), on the local host with a
/// 1 s quiet period: versions uploaded through the API, and blobs written straight into the files container
/// (found by the 1 s container scan). The figure reported is the latency beyond the quiet period.
/// </summary>
internal static class ResyncBench
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(int iterations)
    {
        await using var host = await BenchHost.StartAsync("Resync", $"--Resync:QuietPeriod={Quiet}", "--Resync:ScanInterval=00:00:01");
        var http = host.Http;
        var twin = await host.CreateITwinAsync("bench");
        string iModel = (await BenchHost.Json(http.PostAsJsonAsync("/imodels", new { iTwinId = twin, name = "resync bench" }))).GetProperty("iModel").GetProperty("id").GetString()!;
        using var first = new ByteArrayContent(Register(0));
        string file = (await BenchHost.Json(http.PostAsync(new Uri($"/storage/files?iTwinId={twin}&name=pumps.csv", UriKind.Relative), first))).GetProperty("file").GetProperty("id").GetString()!;
        string connection = (await BenchHost.Json(http.PostAsJsonAsync("/synchronization/imodels/storageConnections", new
        {
            iModelId = iModel,
            sourceFiles = new[] { new { storageFileId = file, connectorType = "PSEXCEL" } },
        }))).GetProperty("connection").GetProperty("id").GetString()!;
        var container = new BlobContainerClient(host.Storage, $"{host.Prefix}-storage");

        var uploads = new List<double>();
        var direct = new List<double>();
        int version = 0;
        for (int i = 0; i < iterations; i++)
        {
            using (var content = new ByteArrayContent(Register(++version)))
            {
                await BenchHost.Json(http.PutAsync(new Uri($"/storage/files/{file}/content", UriKind.Relative), content));
            }

            uploads.Add(await NextRunLatencyAsync(http, connection, DateTimeOffset.UtcNow, i * 2 + 1));
            await container.GetBlobClient($"{twin:D}/{file}/direct-{i}.csv").UploadAsync(new BinaryData(Register(++version)));
            direct.Add(await NextRunLatencyAsync(http, connection, DateTimeOffset.UtcNow, i * 2 + 2));
        }

        Console.WriteLine("| new version by | runs | start latency beyond the quiet period, median s | max s |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| API upload (`PUT /storage/files/{{id}}/content`) | {uploads.Count} | {Median(uploads):F2} | {uploads.Max():F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| blob written into the container (1 s scan) | {direct.Count} | {Median(direct):F2} | {direct.Max():F2} |"));
        return 0;
    }

    private static byte[] Register(int flow) => Encoding.UTF8.GetBytes($"Tag,Flow\nP-1,{flow}\nP-2,5\n");

    /// <summary>Waits for the connection's <paramref name="count"/>-th run to complete; returns its start − changed − quiet period, in seconds.</summary>
    private static async Task<double> NextRunLatencyAsync(HttpClient http, string connection, DateTimeOffset changed, int count)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var runs = (await BenchHost.Json(http.GetAsync(new Uri($"/synchronization/imodels/storageConnections/{connection}/runs", UriKind.Relative)))).GetProperty("runs");
            if (runs.GetArrayLength() >= count)
            {
                string id = runs[0].GetProperty("id").GetString()!;
                while (true)
                {
                    var run = (await BenchHost.Json(http.GetAsync(new Uri($"/synchronization/imodels/storageConnections/{connection}/runs/{id}", UriKind.Relative)))).GetProperty("run");
                    if (run.GetProperty("state").GetString() == "Completed")
                    {
                        var started = DateTimeOffset.Parse(run.GetProperty("startDateTime").GetString()!, CultureInfo.InvariantCulture);
                        return (started - changed - Quiet).TotalSeconds;
                    }

                    await Task.Delay(50);
                }
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("no automatic run started");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
