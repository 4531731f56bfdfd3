using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

/// <summary>
/// The real local host, started in-process on a free loopback port against Azurite with its own tables,
/// containers and task hub, and driven over HTTP like any client.
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    public const string DevKey = "tests-development-signing-key-0123456789abcdef";

    private readonly WebApplication _app;

    // Sends SendAsync's requests; its token is set per request so a test can remove or replace it.
    private readonly HttpClient _client;

    private RunningHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        // Answers are seen as they are: a 303 to an active run is not followed.
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The host's services, for tests that act beside the API (e.g. run the engine before runs are served).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A client that sends the test user's token on every request.</summary>
    public HttpClient Http { get; }

    public string? Token { get; private set; }

    /// <summary>Lets manifest downloads reach the tests' loopback file server; every other private address stays refused.</summary>
    public const string AllowLoopbackFileServer = "--Downloads:AllowedAddresses:0=127.0.0.1";

    public static Task<RunningHost> StartAsync(string prefix, string taskHub, params string[] extraArgs) => StartAsync(prefix, taskHub, logs: null, extraArgs);

    /// <param name="logs">When set, every message the host logs (any level) is added to it.</param>
    public static async Task<RunningHost> StartAsync(string prefix, string taskHub, ICollection<string>? logs, params string[] extraArgs)
    {
        string[] args =
        [
            "--environment", "Development",
            "--urls", "http://127.0.0.1:0",
            $"--Storage:ConnectionString={TestStorage.ConnectionString}",
            $"--Storage:Prefix={prefix}",
            $"--Durable:TaskHubName={taskHub}",
            $"--Auth:DevSigningKey={DevKey}",
            "--Logging:LogLevel:Default=Warning",
            AllowLoopbackFileServer,
            // Download retries and stalls resolve in test time.
            "--Downloads:RetryDelay=00:00:00.100",
            "--Downloads:ReadTimeout=00:00:03",
            .. extraArgs,
        ];
        var app = LocalHostApp.Build(args, logs is null ? null : logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CollectingLoggerProvider(logs)));
        await app.StartAsync();
        var host = new RunningHost(app, new Uri(app.Urls.First()));
        host.Token = await host.MintTokenAsync("test-user", "Test User");
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token);
        return host;
    }

    /// <summary>A host on tables, containers and a task hub of its own, started and answering /health with 200.</summary>
    public static async Task<RunningHost> StartHealthyAsync(params string[] extraArgs)
    {
        var host = await StartAsync(TestStorage.NewPrefix("t"), TestStorage.NewPrefix("Hub"), extraArgs);
        await host.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return host;
    }

    /// <summary>Sends <paramref name="token"/> from now on instead of the test user's.</summary>
    public void UseToken(string token)
    {
        Token = token;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<string> MintTokenAsync(string userId, string name)
    {
        using var anonymous = new HttpClient { BaseAddress = BaseAddress };
        using var response = await anonymous.PostAsJsonAsync("/dev/token", new { userId, name });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Polls /health until it answers 200 (storage reachable and a probe orchestration completed).</summary>
    public async Task<JsonElement> WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (status, body) = await SendAsync(HttpMethod.Get, "/health");
            if (status == HttpStatusCode.OK)
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The local host did not become healthy within {timeout}: {status} {body}");
            }

            await Task.Delay(250);
        }
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? json = null, Action<HttpRequestMessage>? configure = null)
    {
        HttpContent? content = json switch
        {
            null => null,
            string raw => new StringContent(raw, Encoding.UTF8, "application/json"),
            _ => JsonContent.Create(json),
        };
        return SendAsync(method, path, content, configure);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        configure?.Invoke(request);
        string? requestJson = content?.Headers.ContentType?.MediaType == "application/json" ? await content.ReadAsStringAsync() : null;
        using var response = await _client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        bool representation = request.Headers.TryGetValues("Prefer", out var prefer) && prefer.Any(p => p.Contains("return=representation", StringComparison.OrdinalIgnoreCase));
        bool isJson = response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true;
        (await OpenApiConformance.ForAsync(BaseAddress)).Check(method, path, ObjectOrNull(requestJson), representation, response.StatusCode, isJson ? text : null);
        if (response.Headers.Location is not null)
        {
            LastLocation = response.Headers.Location;
        }

        return (response.StatusCode, body);
    }

    public Uri? LastLocation { get; private set; }

    /// <summary>The request's JSON when it parses (tests also send malformed bodies, which no schema describes).</summary>
    private static string? ObjectOrNull(string? json)
    {
        try
        {
            return json is null ? null : JsonDocument.Parse(json).RootElement.ValueKind == JsonValueKind.Object ? json : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A POST answered by its status and <c>Location</c> only; safe for parallel callers (leaves <see cref="LastLocation"/> alone).</summary>
    public async Task<(HttpStatusCode Status, Uri? Location)> PostForLocationAsync(string path, object? json = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = json is null ? null : JsonContent.Create(json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, response.Headers.Location);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps every log message (with its exception) of a host, for tests that check what gets logged.</summary>
internal sealed class CollectingLoggerProvider(ICollection<string> messages) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Collector(messages, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collector(ICollection<string> messages, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (messages)
            {
                messages.Add($"{category} {formatter(state, exception)} {exception}");
            }
        }
    }
}
