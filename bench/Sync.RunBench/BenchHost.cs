using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Sync.LocalHost;

/// <summary>
/// The local host started in this process for a benchmark: its own tables, containers and task hub on the
/// Azurite of <c>SYNC_BENCH_STORAGE</c>, healthy, with a client that sends a development token.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, HttpClient http, string storage, string prefix, string token)
    {
        _app = app;
        Http = http;
        Storage = storage;
        Prefix = prefix;
        Token = token;
    }

    public HttpClient Http { get; }

    /// <summary>The storage connection string the host uses.</summary>
    public string Storage { get; }

    /// <summary>The host's table and container prefix (its files container is <c>{prefix}-storage</c>).</summary>
    public string Prefix { get; }

    public string Token { get; }

    public string BaseUrl => Http.BaseAddress!.ToString().TrimEnd('/');

    /// <param name="tag">Starts the names of the host's storage prefix and task hub.</param>
    /// <param name="settings">More configuration, as <c>--Key=value</c> arguments.</param>
    public static async Task<BenchHost> StartAsync(string tag, params string[] settings)
    {
        string storage = Environment.GetEnvironmentVariable("SYNC_BENCH_STORAGE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        string unique = Guid.NewGuid().ToString("N")[..8];
        string prefix = tag.ToLowerInvariant() + unique;
        var app = LocalHostApp.Build(
        [
            "--environment", "Development", "--urls", "http://127.0.0.1:0",
            $"--Storage:ConnectionString={storage}", $"--Storage:Prefix={prefix}", $"--Durable:TaskHubName={tag}{unique}",
            "--Auth:DevSigningKey=run-benchmark-development-key-0123456789", "--Logging:LogLevel:Default=Warning",
            // One benchmark user makes far more requests than a caller's default limit allows.
            "--RateLimits:PerCaller=0", "--RateLimits:PerITwin=0",
            .. settings,
        ]);
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(10) };
        await WaitHealthyAsync(http);
        string token = (await Json(http.PostAsJsonAsync("/dev/token", new { userId = "bench" }))).GetProperty("access_token").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BenchHost(app, http, storage, prefix, token);
    }

    /// <summary>Starts a run of a storage connection and waits for it: its id and how long it took.</summary>
    public async Task<(string Id, TimeSpan Elapsed)> RunAsync(string connection, string expectedResult = "Success")
    {
        var clock = Stopwatch.StartNew();
        using var start = await Http.PostAsync(new Uri($"/synchronization/imodels/storageConnections/{connection}/run", UriKind.Relative), null);
        if (start.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"run start answered {start.StatusCode}");
        }

        while (true)
        {
            var run = (await Json(Http.GetAsync(start.Headers.Location))).GetProperty("run");
            if (run.GetProperty("state").GetString() == "Completed")
            {
                string result = run.GetProperty("result").GetString()!;
                return result == expectedResult ? (run.GetProperty("id").GetString()!, clock.Elapsed) : throw new InvalidOperationException($"run ended {result}: {run}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Creates an iTwin owned by the benchmark's user.</summary>
    public async Task<Guid> CreateITwinAsync(string displayName) =>
        (await Json(Http.PostAsJsonAsync("/itwins", new { displayName }))).GetProperty("iTwin").GetProperty("id").GetGuid();

    /// <summary>The answer's JSON; throws on a failure status.</summary>
    public static async Task<JsonElement> Json(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        string text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : throw new InvalidOperationException($"{response.StatusCode}: {text}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task WaitHealthyAsync(HttpClient http)
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
}
