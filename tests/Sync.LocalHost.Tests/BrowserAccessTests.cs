using System.Net;
using System.Net.Http.Json;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

/// <summary>What a browser app meets first: CORS preflights and headers for the configured origins only, and the
/// per-caller and per-iTwin request limits (429 with Retry-After).</summary>
[TestClass]
public sealed class BrowserAccessTests
{
    private const string App = "https://app.example";

    [TestMethod]
    public async Task Preflights_and_answers_carry_CORS_headers_for_allowed_origins_only()
    {
        await using var host = await RunningHost.StartAsync(TestStorage.NewPrefix("t"), TestStorage.NewPrefix("Hub"), $"--Cors:AllowedOrigins:0={App}");
        using var browser = new HttpClient { BaseAddress = host.BaseAddress };

        foreach (string path in new[] { "/imodels", "/synchronization/imodels/connections/authorizationInformation?redirectUrl=x", "/synchronization/imodels/storageConnections/abc/run" })
        {
            using var preflight = Preflight(path, App, "POST");
            using var answer = await browser.SendAsync(preflight);
            Assert.AreEqual(HttpStatusCode.NoContent, answer.StatusCode, path);
            Assert.AreEqual(App, answer.Headers.GetValues("Access-Control-Allow-Origin").Single(), path);
            StringAssert.Contains(string.Join(',', answer.Headers.GetValues("Access-Control-Allow-Headers")), "authorization", StringComparison.OrdinalIgnoreCase);
            StringAssert.Contains(string.Join(',', answer.Headers.GetValues("Access-Control-Allow-Methods")), "POST");
        }

        using (var foreign = await browser.SendAsync(Preflight("/imodels", "https://evil.example", "DELETE")))
        {
            Assert.AreEqual(HttpStatusCode.NoContent, foreign.StatusCode);
            Assert.IsFalse(foreign.Headers.Contains("Access-Control-Allow-Origin"), "an origin not listed gets no permission");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/itwins") { Content = JsonContent.Create(new { displayName = "From a browser" }) };
        request.Headers.Authorization = new("Bearer", host.Token);
        request.Headers.Add("Origin", App);
        using var created = await browser.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.Created, created.StatusCode);
        Assert.AreEqual(App, created.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(',', created.Headers.GetValues("Access-Control-Expose-Headers"));
        StringAssert.Contains(exposed, "Location");
        StringAssert.Contains(exposed, "ETag");

        // The blob service lets the same origin PUT to an upload URL (the bytes never pass through the API).
        var iTwinId = await host.CreateITwinAsync();
        var (_, top) = await host.SendAsync(HttpMethod.Get, $"/storage/?iTwinId={iTwinId}");
        var (_, links) = await host.SendAsync(HttpMethod.Post, $"/storage/folders/{top.GetProperty("_links").GetProperty("folder").Str("href").Split('/')[^1]}/files", new { displayName = "from-browser.csv" });
        using var blobPreflight = Preflight(links.GetProperty("_links").GetProperty("uploadUrl").Str("href"), App, "PUT");
        using var blobAnswer = await new HttpClient().SendAsync(blobPreflight);
        Assert.AreEqual(HttpStatusCode.OK, blobAnswer.StatusCode);
        Assert.AreEqual(App, blobAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [TestMethod]
    public async Task Without_configured_origins_no_browser_origin_is_allowed()
    {
        using var browser = new HttpClient { BaseAddress = SharedHost.Host.BaseAddress };
        using var answer = await browser.SendAsync(Preflight("/imodels", App, "GET"));
        Assert.AreEqual(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.IsFalse(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [TestMethod]
    public async Task A_caller_and_an_iTwin_beyond_their_limits_get_429_with_Retry_After_and_others_go_on()
    {
        await using var host = await RunningHost.StartAsync(
            TestStorage.NewPrefix("t"), TestStorage.NewPrefix("Hub"), "--RateLimits:PerCaller=8", "--RateLimits:PerITwin=5", "--RateLimits:Window=00:05:00");
        string other = await host.MintTokenAsync("limited-other", "Other");
        void AsOther(HttpRequestMessage r) => r.Headers.Authorization = new("Bearer", other);

        var iTwinId = await host.CreateITwinAsync(); // caller 1
        Assert.AreEqual(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, $"/itwins/{iTwinId}/members", new { userId = "limited-other", role = "Reader" })).Status); // caller 2, iTwin 1
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, $"/itwins/{iTwinId}")).Status); // caller 6, iTwin 5
        }

        var overITwin = await host.SendAsync(HttpMethod.Get, $"/itwins/{iTwinId}", configure: AsOther);
        overITwin.AssertError(HttpStatusCode.TooManyRequests, "RateLimitExceeded");
        Assert.AreEqual(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/itwins", configure: AsOther)).Status, "the other caller's own limit is untouched");

        Assert.AreEqual(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/itwins")).Status); // caller 7
        Assert.AreEqual(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/itwins")).Status); // caller 8
        using var request = new HttpRequestMessage(HttpMethod.Get, "/itwins");
        request.Headers.Authorization = new("Bearer", host.Token);
        using var limited = await host.Http.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.IsTrue(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 300);
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
