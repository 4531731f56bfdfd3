using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sync.Benchmarks;

/// <summary>
/// API reads under load: the local host (in this process, on Azurite) with a seeded iModel (a storage connection
/// of a 10,000-row register, three runs), driven by wrk (2 threads, 32 connections) over a mix of what clients
/// poll and page: run status, connection and run reads, run history, element pages, changesets, the iModel. Then
/// the same mix spread over 16 iModels (concurrent reads of one key share a storage round trip, so one hot iModel
/// is the kind case), then each read alone. Every row says how much CPU the host and Azurite spent per request.
/// </summary>
internal static partial class LoadBench
{
    public static async Task<int> RunAsync(int seconds)
    {
        await using var host = await BenchHost.StartAsync("Load");
        string baseUrl = host.BaseUrl;
        string token = host.Token;
        string tag = host.Prefix;

        var twin = await host.CreateITwinAsync("bench");
        var main = await SeedAsync(host, twin, "load", 10_000, runs: 3);
        var spread = new List<Seeded> { main };
        for (int i = 1; i < SpreadIModels; i++)
        {
            spread.Add(await SeedAsync(host, twin, $"load {i}", 5_000, runs: 1));
        }

        var mix = Mix(main);

        // Warm-up, not reported: a freshly started host spends its first seconds under load compiling (the runtime's
        // tiering thread took a quarter of both cores through the first 15 s), which a host that has served a while has done.
        if (Environment.GetEnvironmentVariable("LOAD_WARM") != "0")
        {
            await WrkRowAsync("warm-up", [.. spread.SelectMany(Mix)], token, baseUrl, WarmUpSeconds, tag);
        }

        Console.WriteLine("| reads (32 connections, 2 threads) | seconds | req/s | p50 | p99 | non-2xx | host CPU ms/req | Azurite CPU ms/req |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(await WrkRowAsync("mix on one iModel: run 30 %, connection 15 %, runs 10 %, element page 25 %, changesets 10 %, iModel 10 %", mix, token, baseUrl, seconds, tag));
        Console.WriteLine(await WrkRowAsync($"the same mix over {SpreadIModels} iModels (fewer reads of one key at once to share)", [.. spread.SelectMany(Mix)], token, baseUrl, seconds, tag));

        // Each read alone (a fifth of the time each): 32 clients on one key, the best case for shared reads.
        int each = Math.Max(3, seconds / 5);
        (string Name, string Path)[] alone =
        [
            ("health (storage probe, no caller)", "/health"),
            ("run", mix[0].Path),
            ("connection", mix[1].Path),
            ("runs", mix[2].Path),
            ("element page", mix[3].Path),
            ("changesets", mix[4].Path),
            ("iModel", mix[5].Path),
        ];
        foreach (var (name, path) in alone)
        {
            Console.WriteLine(await WrkRowAsync(name, [(path, 1)], token, baseUrl, each, tag));
        }

        return 0;
    }

    private const int SpreadIModels = 16;
    private const int WarmUpSeconds = 20;

    /// <summary>An iModel synchronized from a storage connection of one register, and its last run.</summary>
    private sealed record Seeded(string IModel, string Connection, string Run);

    private static async Task<Seeded> SeedAsync(BenchHost host, Guid twin, string name, int rows, int runs)
    {
        var http = host.Http;
        string iModel = (await BenchHost.Json(http.PostAsJsonAsync("/imodels", new { iTwinId = twin, name }))).GetProperty("iModel").GetProperty("id").GetString()!;
        var register = new StringBuilder("Tag,Name,Flow\n");
        for (int i = 0; i < rows; i++)
        {
            register.Append(CultureInfo.InvariantCulture, $"A-{i},Asset {i},{i % 97}\n");
        }

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(register.ToString()));
        string file = (await BenchHost.Json(http.PostAsync(new Uri($"/storage/files?iTwinId={twin}&name=assets.csv", UriKind.Relative), content))).GetProperty("file").GetProperty("id").GetString()!;
        string connection = (await BenchHost.Json(http.PostAsJsonAsync("/synchronization/imodels/storageConnections", new
        {
            iModelId = iModel,
            sourceFiles = new[] { new { storageFileId = file, connectorType = "PSEXCEL" } },
        }))).GetProperty("connection").GetProperty("id").GetString()!;
        string run = string.Empty;
        for (int i = 0; i < runs; i++)
        {
            (run, _) = await host.RunAsync(connection);
        }

        // Warm the element index (a fresh host's first query replays; that is the checkpoint benchmark's subject).
        await BenchHost.Json(http.GetAsync(new Uri($"/imodels/{iModel}/elements?$top=1", UriKind.Relative)));
        return new Seeded(iModel, connection, run);
    }

    /// <summary>What clients of one iModel poll and page, weighted.</summary>
    private static (string Path, int Weight)[] Mix(Seeded s)
    {
        string connectionPath = $"/synchronization/imodels/storageConnections/{s.Connection}";
        return
        [
            ($"{connectionPath}/runs/{s.Run}", 30),
            (connectionPath, 15),
            ($"{connectionPath}/runs", 10),
            ($"/imodels/{s.IModel}/elements?$top=100&$skip=4000", 25),
            ($"/imodels/{s.IModel}/changesets", 10),
            ($"/imodels/{s.IModel}", 10),
        ];
    }

    private static async Task<string> WrkRowAsync(string name, (string Path, int Weight)[] mix, string token, string baseUrl, int seconds, string tag)
    {
        string script = Path.Combine(Path.GetTempPath(), $"load-{tag}.lua");
        await File.WriteAllTextAsync(script, Lua(mix, token));
        try
        {
            var host = Process.GetCurrentProcess();
            using var azurite = AzuriteProcess.Find();
            TimeSpan hostBefore = host.TotalProcessorTime, azuriteBefore = azurite?.TotalProcessorTime ?? TimeSpan.Zero;
            var wrk = Process.Start(new ProcessStartInfo("wrk", ["-t2", "-c32", $"-d{seconds}s", "--latency", "-s", script, baseUrl]) { RedirectStandardOutput = true })!;
            string output = await wrk.StandardOutput.ReadToEndAsync();
            await wrk.WaitForExitAsync();
            host.Refresh();
            azurite?.Refresh();
            Console.Error.WriteLine(output);
            string rate = RequestsPerSecond().Match(output).Groups[1].Value;
            double requests = double.Parse(RequestCount().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            string p50 = Percentile(output, "50%");
            string p99 = Percentile(output, "99%");
            string errors = NonOk().Match(output) is { Success: true } m ? m.Groups[1].Value : "0";
            string PerRequest(TimeSpan cpu) => (cpu.TotalMilliseconds / requests).ToString("0.00", CultureInfo.InvariantCulture);
            string azuriteCpu = azurite is null ? "?" : PerRequest(azurite.TotalProcessorTime - azuriteBefore);
            return $"| {name} | {seconds} | {rate} | {p50} | {p99} | {errors} | {PerRequest(host.TotalProcessorTime - hostBefore)} | {azuriteCpu} |";
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string Lua((string Path, int Weight)[] mix, string token)
    {
        // Shuffled (with a fixed seed), so the requests in flight at once are a sample of the mix, not a run of one path.
        var paths = mix.SelectMany(m => Enumerable.Repeat(m.Path, m.Weight)).ToArray();
        new Random(13).Shuffle(paths);
        var lua = new StringBuilder();
        lua.Append("local paths = {");
        lua.AppendJoin(", ", paths.Select(p => $"\"{p}\""));
        lua.Append("}\nlocal n = 0\n");
        lua.Append(CultureInfo.InvariantCulture, $"wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n");
        lua.Append("request = function()\n  n = n + 1\n  return wrk.format(\"GET\", paths[(n % #paths) + 1])\nend\n");
        return lua.ToString();
    }

    private static string Percentile(string output, string label) =>
        Regex.Match(output, $@"^\s*{Regex.Escape(label)}\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;

    [GeneratedRegex(@"Requests/sec:\s+(\S+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestCount();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonOk();
}
