using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Sync.LocalHost;

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
        string storage = Environment.GetEnvironmentVariable("SYNC_BENCH_STORAGE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        string tag = Guid.NewGuid().ToString("N")[..8];
        var app = LocalHostApp.Build(
        [
            "--environment", "Development", "--urls", "http://127.0.0.1:0",
            $"--Storage:ConnectionString={storage}", $"--Storage:Prefix=rs{tag}", $"--Durable:TaskHubName=Resync{tag}",
            "--Auth:DevSigningKey=run-benchmark-development-key-0123456789", "--Logging:LogLevel:Default=Warning",
            $"--Resync:QuietPeriod={Quiet}", "--Resync:ScanInterval=00:00:01",
        ]);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(10) };
        for (int i = 0; i < 600 && !(await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode; i++)
        {
            await Task.Delay(200);
        }

        var token = await (await http.PostAsJsonAsync("/dev/token", new { userId = "bench" })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
        var twin = Guid.NewGuid();
        string iModel = (await Json(http.PostAsJsonAsync("/imodels", new { iTwinId = twin, name = "resync bench" }))).GetProperty("iModel").GetProperty("id").GetString()!;
        using var first = new ByteArrayContent(Register(0));
        string file = (await Json(http.PostAsync(new Uri($"/storage/files?iTwinId={twin}&name=pumps.csv", UriKind.Relative), first))).GetProperty("file").GetProperty("id").GetString()!;
        string connection = (await Json(http.PostAsJsonAsync("/synchronization/imodels/storageConnections", new
        {
            iModelId = iModel,
            sourceFiles = new[] { new { storageFileId = file, connectorType = "PSEXCEL" } },
        }))).GetProperty("connection").GetProperty("id").GetString()!;
        var container = new BlobContainerClient(storage, $"rs{tag}-storage");

        var uploads = new List<double>();
        var direct = new List<double>();
        int version = 0;
        for (int i = 0; i < iterations; i++)
        {
            using (var content = new ByteArrayContent(Register(++version)))
            {
                await Json(http.PutAsync(new Uri($"/storage/files/{file}/content", UriKind.Relative), content));
            }

            uploads.Add(await NextRunLatencyAsync(http, connection, DateTimeOffset.UtcNow, i * 2 + 1));
            await container.GetBlobClient($"{twin:D}/{file}/direct-{i}.csv").UploadAsync(new BinaryData(Register(++version)));
            direct.Add(await NextRunLatencyAsync(http, connection, DateTimeOffset.UtcNow, i * 2 + 2));
        }

        Console.WriteLine("| new version by | runs | start latency beyond the quiet period, median s | max s |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| API upload (`PUT /storage/files/{{id}}/content`) | {uploads.Count} | {Median(uploads):F2} | {uploads.Max():F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| blob written into the container (1 s scan) | {direct.Count} | {Median(direct):F2} | {direct.Max():F2} |"));
        await app.StopAsync();
        return 0;
    }

    private static byte[] Register(int flow) => Encoding.UTF8.GetBytes($"Tag,Flow\nP-1,{flow}\nP-2,5\n");

    /// <summary>Waits for the connection's <paramref name="count"/>-th run to complete; returns its start − changed − quiet period, in seconds.</summary>
    private static async Task<double> NextRunLatencyAsync(HttpClient http, string connection, DateTimeOffset changed, int count)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var runs = (await Json(http.GetAsync(new Uri($"/synchronization/imodels/storageConnections/{connection}/runs", UriKind.Relative)))).GetProperty("runs");
            if (runs.GetArrayLength() >= count)
            {
                string id = runs[0].GetProperty("id").GetString()!;
                while (true)
                {
                    var run = (await Json(http.GetAsync(new Uri($"/synchronization/imodels/storageConnections/{connection}/runs/{id}", UriKind.Relative)))).GetProperty("run");
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

    private static async Task<JsonElement> Json(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        string text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : throw new InvalidOperationException($"{response.StatusCode}: {text}");
    }
}
