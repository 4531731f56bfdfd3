using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sync.LocalHost.Tests;

[TestClass]
public sealed class HealthAndAuthTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Health_reports_storage_and_a_completed_probe_orchestration()
    {
        var health = await Host.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual("Healthy", health.Str("status"));
        Assert.AreEqual("Healthy", health.GetProperty("storage").Str("status"));
        var durable = health.GetProperty("durable");
        Assert.AreEqual("Running", durable.Str("worker"));
        var probe = durable.GetProperty("lastProbe");
        Assert.IsTrue(probe.GetProperty("succeeded").GetBoolean());
        StringAssert.StartsWith(probe.Str("instanceId"), "health-");
    }

    [TestMethod]
    public async Task A_fresh_probe_runs_a_new_orchestration_whose_entity_keeps_its_count()
    {
        var (s1, first) = await Host.SendAsync(HttpMethod.Get, "/health?probe=true");
        var (s2, second) = await Host.SendAsync(HttpMethod.Get, "/health?probe=true");
        Assert.AreEqual(HttpStatusCode.OK, s1, first.ToString());
        Assert.AreEqual(HttpStatusCode.OK, s2, second.ToString());
        var p1 = first.GetProperty("durable").GetProperty("lastProbe");
        var p2 = second.GetProperty("durable").GetProperty("lastProbe");
        Assert.AreNotEqual(p1.Str("instanceId"), p2.Str("instanceId"));
        Assert.AreEqual(p1.GetProperty("probeCount").GetInt32() + 1, p2.GetProperty("probeCount").GetInt32());
    }

    [TestMethod]
    public async Task Every_answer_carries_the_security_headers_and_rejections_a_challenge()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        var answers = new[]
        {
            await Host.Http.GetAsync(new Uri("/imodels?iTwinId=" + await Host.CreateITwinAsync(), UriKind.Relative)),
            await anonymous.GetAsync(new Uri("/imodels", UriKind.Relative)),
            await Host.Http.GetAsync(new Uri("/no/such/route", UriKind.Relative)),
            await anonymous.GetAsync(new Uri("/health", UriKind.Relative)),
        };
        CollectionAssert.AreEqual(new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.OK }, answers.Select(a => a.StatusCode).ToArray());
        foreach (var answer in answers)
        {
            using (answer)
            {
                Assert.AreEqual("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single(), answer.RequestMessage!.RequestUri!.ToString());
                Assert.AreEqual("DENY", answer.Headers.GetValues("X-Frame-Options").Single());
                Assert.AreEqual("no-referrer", answer.Headers.GetValues("Referrer-Policy").Single());
                Assert.IsTrue(answer.Headers.CacheControl?.NoStore, "API answers are not cached");
            }
        }

        Assert.AreEqual("Bearer", answers[1].Headers.WwwAuthenticate.Single().Scheme);
    }

    [TestMethod]
    public async Task Health_needs_no_token()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        using var response = await anonymous.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [TestMethod]
    public async Task Missing_authorization_header_is_HeaderNotFound()
    {
        var answer = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={Guid.NewGuid()}", configure: r => r.Headers.Authorization = null);
        answer.AssertError(HttpStatusCode.Unauthorized, "HeaderNotFound");
    }

    [TestMethod]
    [DataRow("Basic dXNlcjpwYXNz")]
    [DataRow("Bearer")]
    [DataRow("token-without-scheme")]
    public async Task Wrong_scheme_is_InvalidAuthorizationScheme(string header)
    {
        var answer = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={Guid.NewGuid()}", configure: r =>
        {
            r.Headers.Authorization = null;
            r.Headers.TryAddWithoutValidation("Authorization", header);
        });
        answer.AssertError(HttpStatusCode.Unauthorized, "InvalidAuthorizationScheme");
    }

    [TestMethod]
    public async Task Garbled_token_is_Unauthorized()
    {
        var answer = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={Guid.NewGuid()}", configure: r =>
            r.Headers.Authorization = new("Bearer", "not.a.jwt"));
        answer.AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [TestMethod]
    public async Task Expired_token_is_Unauthorized_and_says_so()
    {
        string token = Sign(RunningHost.DevKey, expires: DateTime.UtcNow.AddMinutes(-10));
        var answer = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={Guid.NewGuid()}", configure: r => r.Headers.Authorization = new("Bearer", token));
        answer.AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
        StringAssert.Contains(answer.Body.GetProperty("error").Str("message"), "expired");
    }

    [TestMethod]
    public async Task Token_signed_with_another_key_is_Unauthorized()
    {
        string token = Sign("some-other-key-that-is-long-enough-0123456789", expires: DateTime.UtcNow.AddMinutes(10));
        var answer = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={Guid.NewGuid()}", configure: r => r.Headers.Authorization = new("Bearer", token));
        answer.AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [TestMethod]
    public async Task The_OpenAPI_document_is_served_without_a_token_and_lists_every_operation()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        using var answer = await anonymous.GetAsync(new Uri("/openapi.json", UriKind.Relative));
        Assert.AreEqual(HttpStatusCode.OK, answer.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        StringAssert.StartsWith(document.RootElement.GetProperty("openapi").GetString(), "3.1");
        int operations = document.RootElement.GetProperty("paths").EnumerateObject().Sum(p => p.Value.EnumerateObject().Count());
        Assert.AreEqual(Sync.Http.Routing.ApiRoutes.All.Count - 1, operations, "every route but the preflight catch-all");
    }

    [TestMethod]
    public async Task The_API_reference_page_and_its_script_are_served_locally()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        string page = await anonymous.GetStringAsync(new Uri("/docs", UriKind.Relative));
        StringAssert.Contains(page, "openapi.json", "the page reads our document (its JSON configuration escapes the slash)");
        Assert.DoesNotContain("cdn.", page, "no script from a CDN");
        var script = System.Text.RegularExpressions.Regex.Match(page, "<script[^>]+src=\"([^\"]+)\"");
        Assert.IsTrue(script.Success, page);
        using var answer = await anonymous.GetAsync(new Uri(new Uri(Host.BaseAddress, "/docs/"), script.Groups[1].Value));
        Assert.AreEqual(HttpStatusCode.OK, answer.StatusCode, script.Groups[1].Value);
    }

    [TestMethod]
    public async Task A_minted_token_is_accepted()
    {
        var (status, body) = await Host.SendAsync(HttpMethod.Get, $"/imodels?iTwinId={await Host.CreateITwinAsync()}");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        Assert.AreEqual(0, body.GetProperty("iModels").GetArrayLength());
    }

    [TestMethod]
    public async Task Dev_token_request_without_user_id_is_422()
    {
        var answer = await Host.SendAsync(HttpMethod.Post, "/dev/token", new { name = "No Id" });
        answer.AssertError(HttpStatusCode.UnprocessableEntity, "InvalidTokenRequest");
    }

    private static string Sign(string key, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "syncfunctions-dev",
        Audience = "syncfunctions",
        Subject = new ClaimsIdentity([new Claim("sub", "someone")]),
        NotBefore = expires.AddHours(-1),
        IssuedAt = expires.AddHours(-1),
        Expires = expires,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}
