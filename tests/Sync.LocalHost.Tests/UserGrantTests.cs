using System.Net;
using Azure.Data.Tables;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

/// <summary>
/// User and Service connections against a host that holds users' grants at a real (loopback) authorization server:
/// a User connection runs only with its owner's valid grant, obtained through authorizationInformation and the
/// authorization-code flow, kept encrypted, and dropped when the server revokes it.
/// </summary>
[TestClass]
public sealed class UserGrantTests
{
    private const string Storage = "/synchronization/imodels/storageConnections";

    [TestMethod]
    public async Task A_User_connection_runs_only_after_its_owner_granted_access_and_stops_when_the_grant_is_revoked()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        string prefix = TestStorage.NewPrefix("t");
        var logs = new List<string>();
        await using var host = await RunningHost.StartAsync(
            prefix,
            TestStorage.NewPrefix("Hub"),
            logs,
            "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:Azure=Trace",
            "--Logging:LogLevel:DurableTask.Core=Trace",
            "--Logging:LogLevel:DurableTask.AzureStorage=Trace",
            "--Logging:Console:LogLevel:Default=Warning",
            $"--Auth:Authority={server.Authority}",
            "--Auth:RequireHttpsMetadata=false",
            $"--UserGrant:AuthorizeEndpoint={server.Authority}/authorize",
            $"--UserGrant:TokenEndpoint={server.Authority}/token",
            $"--UserGrant:ClientId={FakeAuthorizationServer.ClientId}");

        // The owner calls the API with the authorization server's own tokens, as a browser app would.
        string accessToken = server.AccessToken("grant-owner");
        host.UseToken(accessToken);
        var (iTwinId, iModelId) = await host.CreateIModelAsync();
        string userConnection = await host.CreateStorageConnectionAsync(iModelId, await host.UploadIdAsync(iTwinId, "user.csv"));
        var (_, service) = await host.SendAsync(HttpMethod.Post, Storage, new
        {
            iModelId,
            authenticationType = "Service",
            sourceFiles = new[] { new { storageFileId = await host.UploadIdAsync(iTwinId, "service.csv"), connectorType = "PSEXCEL" } },
        });

        var refused = await host.RunToCompletionAsync($"{Storage}/{userConnection}/run");
        Assert.AreEqual("Error", refused.Str("result"), refused.ToString());
        Assert.AreEqual("UserNotAuthenticated", refused.GetProperty("error").Str("errorKey"));
        var serviceRun = await host.RunToCompletionAsync($"{Storage}/{service.GetProperty("connection").Str("id")}/run");
        Assert.AreEqual("Success", serviceRun.Str("result"), "a Service connection needs no grant");

        // authorizationInformation: not yet authorized; the browser follows authorizationUrl and comes back.
        const string app = "https://app.example/after-sign-in?tab=1";
        var info = await AuthorizationInformationAsync(host, app);
        Assert.IsFalse(info.GetProperty("isUserAuthorized").GetBoolean());
        server.SignedInUser = "grant-owner";
        Assert.AreEqual(new Uri(app), await BrowseAsync(info.GetProperty("_links").GetProperty("authorizationUrl").Str("href")));
        Assert.IsTrue((await AuthorizationInformationAsync(host, app)).GetProperty("isUserAuthorized").GetBoolean());

        var granted = await host.RunToCompletionAsync($"{Storage}/{userConnection}/run");
        Assert.AreEqual("Success", granted.Str("result"), granted.ToString());
        Assert.IsGreaterThanOrEqualTo(1, server.RefreshRedemptions, "the run proved the grant at the token endpoint");

        // The refresh token is stored encrypted: no issued token appears in the grants table.
        var table = new TableClient(TestStorage.ConnectionString, prefix + "usergrants");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        Assert.HasCount(1, rows);
        foreach (string token in server.IssuedRefreshTokens)
        {
            Assert.DoesNotContain(token, rows[0].GetString("Grant"));
        }

        server.RevokeAll();
        var revoked = await host.RunToCompletionAsync($"{Storage}/{userConnection}/run");
        Assert.AreEqual("UserNotAuthenticated", revoked.GetProperty("error").Str("errorKey"));
        Assert.IsFalse((await AuthorizationInformationAsync(host, app)).GetProperty("isUserAuthorized").GetBoolean(), "a refused grant is forgotten");

        // Nothing the host logged, at any level, holds a token it handled.
        (await host.SendAsync(HttpMethod.Get, "/itwins", configure: r => r.Headers.Authorization = new("Bearer", accessToken + "x"))).AssertError(HttpStatusCode.Unauthorized, "Unauthorized");
        string[] logged;
        lock (logs)
        {
            logged = [.. logs];
        }

        Assert.IsTrue(logged.Any(line => line.Contains("/synchronization/authorization/callback", StringComparison.Ordinal)), "requests are logged, the browser's return included");
        foreach (string secret in server.IssuedRefreshTokens.Concat(server.RedeemedRefreshTokens).Append(accessToken).Append(accessToken.Split('.')[2]))
        {
            Assert.IsFalse(logged.Any(line => line.Contains(secret, StringComparison.Ordinal)), "a token appears in the host's logs");
        }
    }

    [TestMethod]
    public async Task A_browser_signed_in_as_someone_else_or_a_forged_state_never_stores_a_grant()
    {
        await using var server = await FakeAuthorizationServer.StartAsync();
        await using var host = await RunningHost.StartAsync(
            TestStorage.NewPrefix("t"),
            TestStorage.NewPrefix("Hub"),
            $"--Auth:Authority={server.Authority}",
            "--Auth:RequireHttpsMetadata=false",
            $"--UserGrant:AuthorizeEndpoint={server.Authority}/authorize",
            $"--UserGrant:TokenEndpoint={server.Authority}/token",
            $"--UserGrant:ClientId={FakeAuthorizationServer.ClientId}");
        host.UseToken(server.AccessToken("victim"));

        var info = await AuthorizationInformationAsync(host, "https://app.example/");
        server.SignedInUser = "attacker";
        var back = await BrowseAsync(info.GetProperty("_links").GetProperty("authorizationUrl").Str("href"));
        Assert.AreEqual("?error=user_mismatch", back.Query);
        Assert.IsFalse((await AuthorizationInformationAsync(host, "https://app.example/")).GetProperty("isUserAuthorized").GetBoolean());

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var forged = await browser.GetAsync(new Uri(host.BaseAddress, "/synchronization/authorization/callback?code=x&state=made-up"));
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, forged.StatusCode);

        (await host.SendAsync(HttpMethod.Get, "/synchronization/imodels/connections/authorizationInformation?redirectUrl=not-a-url"))
            .AssertError(HttpStatusCode.UnprocessableEntity, "InvalidAuthorizationInformationRequest");
    }

    [TestMethod]
    public async Task A_User_connection_stops_when_its_owner_leaves_the_iTwin_until_a_Member_takes_it_over()
    {
        var host = SharedHost.Host;
        var (iTwinId, iModelId) = await host.CreateIModelAsync();
        string connection = await host.CreateStorageConnectionAsync(iModelId, await host.UploadIdAsync(iTwinId));
        string heir = await host.MintTokenAsync("heir", "Heir");
        void AsHeir(HttpRequestMessage r) => r.Headers.Authorization = new("Bearer", heir);
        Assert.AreEqual(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, $"/itwins/{iTwinId}/members", new { userId = "heir", role = "Owner" })).Status);
        Assert.AreEqual(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, $"/itwins/{iTwinId}/members/test-user", configure: AsHeir)).Status);

        async Task<System.Text.Json.JsonElement> RunAsHeirAsync()
        {
            var (status, body) = await host.SendAsync(HttpMethod.Post, $"{Storage}/{connection}/run", configure: AsHeir);
            Assert.AreEqual(HttpStatusCode.Accepted, status, body.ToString());
            return await host.WaitRunCompletedAsync(host.LastLocation!.PathAndQuery, AsHeir);
        }

        var orphaned = await RunAsHeirAsync();
        Assert.AreEqual("UserNotAuthorized", orphaned.GetProperty("error").Str("errorKey"), orphaned.ToString());
        Assert.AreEqual(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Put, $"{Storage}/{connection}", new { displayName = "Taken over" }, AsHeir)).Status);
        var adopted = await RunAsHeirAsync();
        Assert.AreEqual("Success", adopted.Str("result"), adopted.ToString());
    }

    [TestMethod]
    public async Task Without_an_authorization_server_every_user_is_authorized_and_User_connections_run()
    {
        var (status, body) = await SharedHost.Host.SendAsync(HttpMethod.Get, "/synchronization/imodels/connections/authorizationInformation?redirectUrl=http%3A%2F%2Flocalhost%3A3301%2Fcallback");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        Assert.IsTrue(body.GetProperty("authorizationInformation").GetProperty("isUserAuthorized").GetBoolean());
    }

    private static async Task<System.Text.Json.JsonElement> AuthorizationInformationAsync(RunningHost host, string redirectUrl)
    {
        var (status, body) = await host.SendAsync(HttpMethod.Get, $"/synchronization/imodels/connections/authorizationInformation?redirectUrl={Uri.EscapeDataString(redirectUrl)}");
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        return body.GetProperty("authorizationInformation");
    }

    /// <summary>A browser without cookies: follows redirects until they leave for the app, and returns that address.</summary>
    private static async Task<Uri> BrowseAsync(string url)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var next = new Uri(url);
        for (int hop = 0; hop < 5 && next.Host != "app.example"; hop++)
        {
            using var answer = await browser.GetAsync(next);
            Assert.AreEqual(HttpStatusCode.Found, answer.StatusCode, await answer.Content.ReadAsStringAsync());
            next = answer.Headers.Location!;
        }

        return next;
    }
}
