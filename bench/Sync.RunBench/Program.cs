using System.Globalization;
using System.Net.Http.Json;
using System.Text;

// Usage: Sync.RunBench [files ...]   (default 1 10 100 500). Storage: SYNC_BENCH_STORAGE (default development storage).
//        Sync.RunBench --download [MB]  a manifest download vs a plain HttpClient download of the same bytes (default 200)
//        Sync.RunBench --load [seconds]  API reads under wrk load: the mix on one iModel and over 16, then each read alone (default 15)
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
await using var host = await BenchHost.StartAsync("RunBench");
var http = host.Http;

Console.WriteLine("| files | first run s | per file ms | no-change run s | per file ms | edit-one-file run s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
foreach (int files in sizes)
{
    var twin = await host.CreateITwinAsync("bench");
    string iModel = (await BenchHost.Json(http.PostAsJsonAsync("/imodels", new { iTwinId = twin, name = $"bench {files}" }))).GetProperty("iModel").GetProperty("id").GetString()!;
    var ids = new List<string>();
    for (int i = 0; i < files; i++)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"Tag,Flow\nF{i}-1,{i}\nF{i}-2,{i + 1}\n"));
        ids.Add((await BenchHost.Json(http.PostAsync(new Uri($"/storage/files?iTwinId={twin}&name=f{i}.csv", UriKind.Relative), content))).GetProperty("file").GetProperty("id").GetString()!);
    }

    string connection = (await BenchHost.Json(http.PostAsJsonAsync("/synchronization/imodels/storageConnections", new
    {
        iModelId = iModel,
        sourceFiles = ids.Take(40).Select(id => new { storageFileId = id, connectorType = "PSEXCEL" }),
    }))).GetProperty("connection").GetProperty("id").GetString()!;
    foreach (string id in ids.Skip(40))
    {
        await BenchHost.Json(http.PostAsJsonAsync($"/synchronization/imodels/storageConnections/{connection}/sourcefiles", new { storageFileId = id, connectorType = "PSEXCEL" }));
    }

    var (_, first) = await host.RunAsync(connection);
    var (_, again) = await host.RunAsync(connection);
    using (var edit = new ByteArrayContent(Encoding.UTF8.GetBytes("Tag,Flow\nF0-1,100\n")))
    {
        await BenchHost.Json(http.PutAsync(new Uri($"/storage/files/{ids[0]}/content", UriKind.Relative), edit));
    }

    var (_, edited) = await host.RunAsync(connection);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {files} | {first.TotalSeconds:F1} | {first.TotalMilliseconds / files:F0} | {again.TotalSeconds:F1} | {again.TotalMilliseconds / files:F0} | {edited.TotalSeconds:F1} |"));
}

return 0;
