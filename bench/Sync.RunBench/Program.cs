using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Sync.LocalHost;

// Usage: Sync.RunBench [files ...]   (default 1 10 100 500). Storage: SYNC_BENCH_STORAGE (default development storage).
//        Sync.RunBench --download [MB]  a manifest download vs a plain HttpClient download of the same bytes (default 200)
//        Sync.RunBench --load [seconds]  API reads under wrk load over a client-like mix (default 15)
//        Sync.RunBench --resync [n]     upload → automatic run start latency, API uploads and direct blob writes (default 10)
if (args is ["--download", ..])
{
    return await DownloadBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
}

if (args is ["--load", ..])
{
    return await LoadBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15);
}

if (args is ["--resync", ..])
{
    return await ResyncBench.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
}

int[] sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 10, 100, 500];
string storage = Environment.GetEnvironmentVariable("SYNC_BENCH_STORAGE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
string tag = Guid.NewGuid().ToString("N")[..8];
var app = LocalHostApp.Build(
[
    "--environment", "Development", "--urls", "http://127.0.0.1:0",
    $"--Storage:ConnectionString={storage}", $"--Storage:Prefix=rb{tag}", $"--Durable:TaskHubName=RunBench{tag}",
    "--Auth:DevSigningKey=run-benchmark-development-key-0123456789", "--Logging:LogLevel:Default=Warning",
]);
await app.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(10) };
await WaitHealthyAsync(http);
var token = await (await http.PostAsJsonAsync("/dev/token", new { userId = "bench" })).Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());

Console.WriteLine("| files | first run s | per file ms | no-change run s | per file ms | edit-one-file run s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (int files in sizes)
{
    var twin = Guid.NewGuid();
    string iModel = (await Json(http.PostAsJsonAsync("/imodels", new { iTwinId = twin, name = $"bench {files}" }))).GetProperty("iModel").GetProperty("id").GetString()!;
    var ids = new List<string>();
    for (int i = 0; i < files; i++)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"Tag,Flow\nF{i}-1,{i}\nF{i}-2,{i + 1}\n"));
        ids.Add((await Json(http.PostAsync(new Uri($"/storage/files?iTwinId={twin}&name=f{i}.csv", UriKind.Relative), content))).GetProperty("file").GetProperty("id").GetString()!);
    }

    string connection = (await Json(http.PostAsJsonAsync("/synchronization/imodels/storageConnections", new
    {
        iModelId = iModel,
        sourceFiles = ids.Take(40).Select(id => new { storageFileId = id, connectorType = "PSEXCEL" }),
    }))).GetProperty("connection").GetProperty("id").GetString()!;
    foreach (string id in ids.Skip(40))
    {
        await Json(http.PostAsJsonAsync($"/synchronization/imodels/storageConnections/{connection}/sourcefiles", new { storageFileId = id, connectorType = "PSEXCEL" }));
    }

    var first = await RunAsync(http, connection, "Success");
    var again = await RunAsync(http, connection, "Success");
    using (var edit = new ByteArrayContent(Encoding.UTF8.GetBytes("Tag,Flow\nF0-1,100\n")))
    {
        await Json(http.PutAsync(new Uri($"/storage/files/{ids[0]}/content", UriKind.Relative), edit));
    }

    var edited = await RunAsync(http, connection, "Success");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {files} | {first.TotalSeconds:F1} | {first.TotalMilliseconds / files:F0} | {again.TotalSeconds:F1} | {again.TotalMilliseconds / files:F0} | {edited.TotalSeconds:F1} |"));
}

await app.StopAsync();
return 0;

static async Task<TimeSpan> RunAsync(HttpClient http, string connection, string expected)
{
    var clock = Stopwatch.StartNew();
    using var start = await http.PostAsync(new Uri($"/synchronization/imodels/storageConnections/{connection}/run", UriKind.Relative), null);
    if (start.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"run start answered {start.StatusCode}");
    }

    while (true)
    {
        var run = (await Json(http.GetAsync(start.Headers.Location))).GetProperty("run");
        if (run.GetProperty("state").GetString() == "Completed")
        {
            string result = run.GetProperty("result").GetString()!;
            return result == expected ? clock.Elapsed : throw new InvalidOperationException($"run ended {result}: {run}");
        }

        await Task.Delay(100);
    }
}

static async Task<JsonElement> Json(Task<HttpResponseMessage> call)
{
    using var response = await call;
    string text = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : throw new InvalidOperationException($"{response.StatusCode}: {text}");
}

static async Task WaitHealthyAsync(HttpClient http)
{
    for (int i = 0; i < 600; i++)
    {
        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        await Task.Delay(200);
    }

    throw new InvalidOperationException("The local host did not become healthy.");
}
