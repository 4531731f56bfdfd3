using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sync.Http.Routing;
using Sync.Storage;
using Sync.Testing;

namespace Sync.LocalHost.Tests;

/// <summary>
/// Every operation of the route table × {Owner, Member, Reader, stranger, forged token}, on one iTwin with an iModel,
/// a file, both kinds of connection, runs, a changeset and configurations at every scope. A route added to the table
/// without a line here fails the test.
/// </summary>
[TestClass]
public sealed class AccessMatrixTests
{
    private const string Storage = "/synchronization/imodels/storageConnections";
    private const string Manifest = "/synchronization/imodels/manifestConnections";
    private const string UnknownConnection = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private static RunningHost Host => SharedHost.Host;

    /// <summary>The ids of one iTwin's resources; <see cref="Unknown"/> names none that exist.</summary>
    private sealed record Ids(string ITwin, string IModel, string File, string StorageConnection, string ManifestConnection,
        string StorageRun, string ManifestRun, string StorageSourceFile, string ManifestSourceFile, string Element, string Member, string Folder,
        string BinFile, string BinFolder)
    {
        public Ids Unknown() => this with
        {
            ITwin = Guid.NewGuid().ToString(),
            IModel = Guid.NewGuid().ToString(),
            File = "no-such-file",
            StorageConnection = UnknownConnection,
            ManifestConnection = UnknownConnection,
            Folder = Sync.Engine.Model.ScopedId.New(Guid.NewGuid()),
            BinFile = "no-such-file",
            BinFolder = Sync.Engine.Model.ScopedId.New(Guid.NewGuid()),
        };
    }

    [TestMethod]
    public async Task Every_operation_answers_each_role_as_specified_and_strangers_cannot_tell_an_id_exists()
    {
        var ids = await ArrangeAsync();
        string member = await Host.MintTokenAsync("matrix-member", "Member");
        string reader = await Host.MintTokenAsync(ids.Member, "Reader");
        string stranger = await Host.MintTokenAsync("matrix-stranger", "Stranger");
        string forged = Forge();
        Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, $"/itwins/{ids.ITwin}/members", new { userId = "matrix-member", role = "Member" })).Status);

        var routes = ApiRoutes.All.Where(r => !r.AllowAnonymous).ToList();
        var missing = routes.Select(r => r.Name).Except(Requests.Keys).ToList();
        Assert.IsEmpty(missing, "routes without a line in the access matrix: " + string.Join(", ", missing));
        CollectionAssert.AreEquivalent(
            new[] { nameof(ApiRoutes.CreateITwin), nameof(ApiRoutes.GetITwins), nameof(ApiRoutes.GetAuthorizationInformation) },
            routes.Where(r => r.Scope is null).Select(r => r.Name).ToArray(),
            "only these act on the caller alone; every other route names an iTwin");

        var failures = new List<string>();
        foreach (var route in routes)
        {
            var (path, body) = Requests[route.Name](ids);
            void Expect(bool ok, string who, (HttpStatusCode Status, JsonElement Body) answer)
            {
                if (!ok)
                {
                    failures.Add($"{route.Name} as {who}: {(int)answer.Status} {answer.Body}");
                }
            }

            var forgedAnswer = await SendAsync(route.Method, path, body, forged);
            Expect(forgedAnswer.Status == HttpStatusCode.Unauthorized, "forged", forgedAnswer);

            var strangerAnswer = await SendAsync(route.Method, path, body, stranger);
            if (route.Scope is null)
            {
                Expect(IsSuccess(strangerAnswer.Status), "stranger (own iTwins)", strangerAnswer);
            }
            else
            {
                // Indistinguishable from an id that does not exist.
                var (unknownPath, unknownBody) = Requests[route.Name](ids.Unknown());
                var unknownAnswer = await SendAsync(route.Method, unknownPath, unknownBody, Host.Token!);
                Expect(
                    strangerAnswer.Status is HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity
                        && strangerAnswer.Status == unknownAnswer.Status && Code(strangerAnswer) == Code(unknownAnswer),
                    $"stranger (unknown id answers {(int)unknownAnswer.Status} {Code(unknownAnswer)})",
                    strangerAnswer);
            }

            var readerAnswer = await SendAsync(route.Method, path, body, reader);
            Expect(route.Method == "GET" || route.Scope is null ? IsSuccess(readerAnswer.Status) : IsForbidden(readerAnswer), "reader", readerAnswer);

            var memberAnswer = await SendAsync(route.Method, path, body, member);
            Expect(route.RequiredRole == Sync.Engine.Model.Role.Owner ? IsForbidden(memberAnswer) : IsAllowed(route.Method, memberAnswer), "member", memberAnswer);
            await RebinAsync(route.Name, ids);

            if (route.Method != "DELETE")
            {
                var ownerAnswer = await SendAsync(route.Method, path, body, Host.Token!);
                Expect(IsAllowed(route.Method, ownerAnswer), "owner", ownerAnswer);
                await RebinAsync(route.Name, ids);
            }
        }

        // The owner's deletions last, children before parents, so each finds what it deletes.
        foreach (string name in OwnerDeletions)
        {
            var route = routes.Single(r => r.Name == name);
            var (path, body) = Requests[name](ids);
            var answer = await SendAsync(route.Method, path, body, Host.Token!);
            if (answer.Status != HttpStatusCode.NoContent)
            {
                failures.Add($"{name} as owner: {(int)answer.Status} {answer.Body}");
            }
        }

        Assert.AreEqual(routes.Count(r => r.Method == "DELETE"), OwnerDeletions.Length, "every DELETE route is in OwnerDeletions");
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public async Task A_strangers_lists_hold_nothing_of_another_iTwin()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string stranger = await Host.MintTokenAsync("lists-stranger", "Stranger");
        var (_, twins) = await SendAsync("GET", "/itwins", null, stranger);
        Assert.IsFalse(twins.GetProperty("iTwins").EnumerateArray().Any(t => t.Str("id") == iTwinId.ToString()), twins.ToString());

        // Their own iTwin cannot reach the other's iModel or files either.
        var (created, own) = await SendAsync("POST", "/itwins", new { displayName = "Mine" }, stranger);
        Assert.AreEqual(HttpStatusCode.Created, created, own.ToString());
        string foreignFile = await Host.UploadIdAsync(iTwinId);
        var (_, ownModel) = await SendAsync("POST", "/imodels", new { iTwinId = own.GetProperty("iTwin").Str("id"), name = "Mine" }, stranger);
        var connection = await SendAsync("POST", Storage, new
        {
            iModelId = ownModel.GetProperty("iModel").Str("id"),
            sourceFiles = new[] { new { storageFileId = foreignFile, connectorType = "PSEXCEL" } },
        }, stranger);
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, connection.Status, connection.Body.ToString());
        (await SendAsync("GET", $"/synchronization/imodels/connections?imodelId={iModelId}", null, stranger)).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
    }

    [TestMethod]
    public async Task Owners_manage_members_and_an_iTwin_never_loses_its_last_owner()
    {
        var iTwinId = await Host.CreateITwinAsync("Members");
        string members = $"/itwins/{iTwinId}/members";
        string other = await Host.MintTokenAsync("second-owner", "Second");

        (await SendAsync("GET", $"/itwins/{iTwinId}", null, other)).AssertError(HttpStatusCode.NotFound, "iTwinNotFound");
        Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, members, new { userId = "second-owner", role = "Reader" })).Status);
        (await Host.SendAsync(HttpMethod.Post, members, new { userId = "second-owner", role = "Member" })).AssertError(HttpStatusCode.Conflict, "MemberAlreadyExists");
        (await Host.SendAsync(HttpMethod.Post, members, new { userId = "x", role = "Admin" })).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidiTwinRequest");

        // A role change is seen at once: the reader may read, then, as an Owner, manage.
        var (_, seen) = await SendAsync("GET", $"/itwins/{iTwinId}", null, other);
        Assert.AreEqual("Reader", seen.GetProperty("iTwin").Str("role"));
        await Host.ConformsAsync("GetITwin", seen);
        (await SendAsync("POST", members, new { userId = "third", role = "Reader" }, other)).AssertError(HttpStatusCode.Forbidden, "InsufficientPermissions");
        Assert.AreEqual(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Patch, $"{members}/second-owner", new { role = "Owner" })).Status);
        Assert.AreEqual(HttpStatusCode.Created, (await SendAsync("POST", members, new { userId = "third", role = "Reader" }, other)).Status);

        // Two Owners: one may step down; the last one may not, by demotion or removal.
        Assert.AreEqual(HttpStatusCode.NoContent, (await SendAsync("DELETE", $"{members}/test-user", null, other)).Status);
        (await Host.SendAsync(HttpMethod.Get, $"/itwins/{iTwinId}")).AssertError(HttpStatusCode.NotFound, "iTwinNotFound");
        (await SendAsync("PATCH", $"{members}/second-owner", new { role = "Member" }, other)).AssertError(HttpStatusCode.Conflict, "OwnerRequired");
        (await SendAsync("DELETE", $"{members}/second-owner", null, other)).AssertError(HttpStatusCode.Conflict, "OwnerRequired");
        (await SendAsync("DELETE", $"{members}/nobody", null, other)).AssertError(HttpStatusCode.NotFound, "MemberNotFound");

        var (_, list) = await SendAsync("GET", members, null, other);
        await Host.ConformsAsync("GetITwinMembers", list);
        var (_, mine) = await SendAsync("GET", "/itwins", null, other);
        await Host.ConformsAsync("GetITwins", mine);
        var (_, added) = await SendAsync("PATCH", $"{members}/third", new { role = "Member" }, other);
        await Host.ConformsAsync("UpdateITwinMember", added);
        CollectionAssert.AreEquivalent(
            new[] { "second-owner:Owner", "third:Reader" },
            list.GetProperty("members").EnumerateArray().Select(m => $"{m.Str("userId")}:{m.Str("role")}").ToArray());
    }

    [TestMethod]
    public async Task Data_from_before_access_control_gets_the_configured_owner_at_start_up()
    {
        // An iModel written as the service wrote them before iTwins had records.
        string prefix = TestStorage.NewPrefix("t");
        var account = new StorageAccount(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = prefix });
        await account.EnsureCreatedAsync(CancellationToken.None);
        var old = new Sync.Engine.Model.IModel(Guid.NewGuid(), Guid.NewGuid(), "Before", null, DateTimeOffset.UtcNow);
        await new TableIModelStore(account).CreateAsync(old, CancellationToken.None);

        await using var host = await RunningHost.StartAsync(prefix, TestStorage.NewPrefix("Hub"), "--Access:AdoptUnownedITwinsAs=legacy-admin");
        string admin = await host.MintTokenAsync("legacy-admin", "Admin");
        var (status, body) = await host.SendAsync(HttpMethod.Get, $"/imodels/{old.Id}", configure: r => r.Headers.Authorization = new("Bearer", admin));
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        (await host.SendAsync(HttpMethod.Get, $"/imodels/{old.Id}")).AssertError(HttpStatusCode.NotFound, "iModelNotFound");
        var (_, twins) = await host.SendAsync(HttpMethod.Get, "/itwins", configure: r => r.Headers.Authorization = new("Bearer", admin));
        Assert.AreEqual("Owner", twins.GetProperty("iTwins").EnumerateArray().Single(t => t.Str("id") == old.ITwinId.ToString()).Str("role"));
    }

    private static readonly string[] OwnerDeletions =
    [
        nameof(ApiRoutes.RemoveStorageConnectionSourceFile), nameof(ApiRoutes.RemoveManifestConnectionSourceFile),
        nameof(ApiRoutes.DeleteConnectionConfiguration), nameof(ApiRoutes.DeleteIModelConfiguration), nameof(ApiRoutes.DeleteITwinConfiguration),
        nameof(ApiRoutes.DeleteStorageConnection), nameof(ApiRoutes.DeleteManifestConnection),
        nameof(ApiRoutes.RemoveITwinMember), nameof(ApiRoutes.DeleteFile), nameof(ApiRoutes.DeleteIModel),
        nameof(ApiRoutes.DeleteFolder), nameof(ApiRoutes.DeleteRecycledFile), nameof(ApiRoutes.DeleteRecycledFolder),
    ];

    /// <summary>What puts a restored item back into the recycle bin, so the next caller finds it there too.</summary>
    private static readonly Dictionary<string, Func<Ids, string>> Rebin = new()
    {
        [nameof(ApiRoutes.RestoreRecycledFile)] = i => $"/storage/files/{i.BinFile}",
        [nameof(ApiRoutes.RestoreRecycledFolder)] = i => $"/storage/folders/{i.BinFolder}",
    };

    /// <summary>One concrete request per route: its path and JSON body (null: none), for the given ids.</summary>
    private static readonly Dictionary<string, Func<Ids, (string Path, object? Body)>> Requests = new()
    {
        [nameof(ApiRoutes.CreateITwin)] = _ => ("/itwins", new { displayName = "Matrix extra" }),
        [nameof(ApiRoutes.GetITwins)] = _ => ("/itwins", null),
        [nameof(ApiRoutes.GetITwin)] = i => ($"/itwins/{i.ITwin}", null),
        [nameof(ApiRoutes.GetITwinMembers)] = i => ($"/itwins/{i.ITwin}/members", null),
        [nameof(ApiRoutes.AddITwinMember)] = i => ($"/itwins/{i.ITwin}/members", new { userId = "matrix-added", role = "Reader" }),
        [nameof(ApiRoutes.UpdateITwinMember)] = i => ($"/itwins/{i.ITwin}/members/{i.Member}", new { role = "Reader" }),
        [nameof(ApiRoutes.RemoveITwinMember)] = i => ($"/itwins/{i.ITwin}/members/matrix-added", null),
        [nameof(ApiRoutes.CreateIModel)] = i => ("/imodels", new { iTwinId = i.ITwin, name = "Matrix extra" }),
        [nameof(ApiRoutes.GetIModels)] = i => ($"/imodels?iTwinId={i.ITwin}", null),
        [nameof(ApiRoutes.GetIModel)] = i => ($"/imodels/{i.IModel}", null),
        [nameof(ApiRoutes.DeleteIModel)] = i => ($"/imodels/{i.IModel}", null),
        [nameof(ApiRoutes.GetChangesets)] = i => ($"/imodels/{i.IModel}/changesets", null),
        [nameof(ApiRoutes.GetChangeset)] = i => ($"/imodels/{i.IModel}/changesets/1", null),
        [nameof(ApiRoutes.DownloadChangeset)] = i => ($"/imodels/{i.IModel}/changesets/1/download", null),
        [nameof(ApiRoutes.GetElements)] = i => ($"/imodels/{i.IModel}/elements", null),
        [nameof(ApiRoutes.GetElement)] = i => ($"/imodels/{i.IModel}/elements/{i.Element}", null),
        [nameof(ApiRoutes.GetElementRelationships)] = i => ($"/imodels/{i.IModel}/elements/{i.Element}/relationships", null),
        [nameof(ApiRoutes.GetChangedElements)] = i => ($"/imodels/{i.IModel}/changedElements", null),
        [nameof(ApiRoutes.GetSchema)] = i => ($"/imodels/{i.IModel}/schema", null),
        [nameof(ApiRoutes.UploadFile)] = i => ($"/storage/files?iTwinId={i.ITwin}&name=extra.csv", "id,name\n9,valve\n"),
        [nameof(ApiRoutes.GetFile)] = i => ($"/storage/files/{i.File}", null),
        [nameof(ApiRoutes.DownloadFile)] = i => ($"/storage/files/{i.File}/content", null),
        [nameof(ApiRoutes.ReplaceFileContent)] = i => ($"/storage/files/{i.File}/content", "id,name\n1,pump\n"),
        [nameof(ApiRoutes.DeleteFile)] = i => ($"/storage/files/{i.File}", null),
        [nameof(ApiRoutes.GetAuthorizationInformation)] = _ => ("/synchronization/imodels/connections/authorizationInformation?redirectUrl=http%3A%2F%2Flocalhost%3A3301%2Fcallback", null),
        [nameof(ApiRoutes.GetStorageTopLevel)] = i => ($"/storage/?projectId={i.ITwin}", null),
        [nameof(ApiRoutes.GetFolder)] = i => ($"/storage/folders/{i.Folder}", null),
        [nameof(ApiRoutes.GetFolderFolders)] = i => ($"/storage/folders/{i.Folder}/folders", null),
        [nameof(ApiRoutes.CreateFolder)] = i => ($"/storage/folders/{i.Folder}/folders", new { displayName = "Sub" }),
        [nameof(ApiRoutes.GetFolderFiles)] = i => ($"/storage/folders/{i.Folder}/files", null),
        [nameof(ApiRoutes.CreateFolderFile)] = i => ($"/storage/folders/{i.Folder}/files", new { displayName = "later.csv" }),
        [nameof(ApiRoutes.GetFolderItems)] = i => ($"/storage/folders/{i.Folder}/list", null),
        [nameof(ApiRoutes.UpdateFolder)] = i => ($"/storage/folders/{i.Folder}", new { description = "checked" }),
        [nameof(ApiRoutes.DeleteFolder)] = i => ($"/storage/folders/{i.Folder}", null),
        [nameof(ApiRoutes.SearchFolder)] = i => ($"/storage/folders/{i.Folder}/search?name=*", null),
        [nameof(ApiRoutes.GetRecycleBin)] = i => ($"/storage/recycleBin?projectId={i.ITwin}", null),
        [nameof(ApiRoutes.RestoreRecycledFile)] = i => ($"/storage/recycleBin/files/{i.BinFile}/restore", null),
        [nameof(ApiRoutes.DeleteRecycledFile)] = i => ($"/storage/recycleBin/files/{i.BinFile}", null),
        [nameof(ApiRoutes.RestoreRecycledFolder)] = i => ($"/storage/recycleBin/folders/{i.BinFolder}/restore", null),
        [nameof(ApiRoutes.DeleteRecycledFolder)] = i => ($"/storage/recycleBin/folders/{i.BinFolder}", null),
        [nameof(ApiRoutes.UpdateFile)] = i => ($"/storage/files/{i.File}", new { description = "checked" }),
        [nameof(ApiRoutes.CompleteFileUpload)] = i => ($"/storage/files/{i.File}/complete", null),
        [nameof(ApiRoutes.UpdateFileContent)] = i => ($"/storage/files/{i.File}/updateContent", null),
        [nameof(ApiRoutes.DownloadFileLink)] = i => ($"/storage/files/{i.File}/download", null),
        [nameof(ApiRoutes.GetConnections)] = i => ($"/synchronization/imodels/connections?imodelId={i.IModel}", null),
        [nameof(ApiRoutes.CreateStorageConnection)] = i => (Storage, new { iModelId = i.IModel, sourceFiles = new[] { new { storageFileId = i.File, connectorType = "PSEXCEL" } } }),
        [nameof(ApiRoutes.GetStorageConnections)] = i => ($"{Storage}?iModelId={i.IModel}", null),
        [nameof(ApiRoutes.GetStorageConnection)] = i => ($"{Storage}/{i.StorageConnection}", null),
        [nameof(ApiRoutes.UpdateStorageConnection)] = i => ($"{Storage}/{i.StorageConnection}", new { displayName = "Renamed" }),
        [nameof(ApiRoutes.DeleteStorageConnection)] = i => ($"{Storage}/{i.StorageConnection}", null),
        [nameof(ApiRoutes.RunStorageConnection)] = i => ($"{Storage}/{i.StorageConnection}/run", null),
        [nameof(ApiRoutes.GetStorageConnectionRuns)] = i => ($"{Storage}/{i.StorageConnection}/runs", null),
        [nameof(ApiRoutes.GetStorageConnectionRun)] = i => ($"{Storage}/{i.StorageConnection}/runs/{i.StorageRun}", null),
        [nameof(ApiRoutes.CancelStorageConnectionRun)] = i => ($"{Storage}/{i.StorageConnection}/runs/{i.StorageRun}/cancel", null),
        [nameof(ApiRoutes.AddStorageConnectionSourceFile)] = i => ($"{Storage}/{i.StorageConnection}/sourcefiles", new { storageFileId = i.File, connectorType = "PSEXCEL" }),
        [nameof(ApiRoutes.GetStorageConnectionSourceFiles)] = i => ($"{Storage}/{i.StorageConnection}/sourcefiles", null),
        [nameof(ApiRoutes.GetStorageConnectionSourceFile)] = i => ($"{Storage}/{i.StorageConnection}/sourcefiles/{i.StorageSourceFile}", null),
        [nameof(ApiRoutes.UpdateStorageConnectionSourceFile)] = i => ($"{Storage}/{i.StorageConnection}/sourcefiles/{i.StorageSourceFile}", new { connectorType = "PSEXCEL" }),
        [nameof(ApiRoutes.RemoveStorageConnectionSourceFile)] = i => ($"{Storage}/{i.StorageConnection}/sourcefiles/{i.StorageSourceFile}", null),
        [nameof(ApiRoutes.CreateManifestConnection)] = i => (Manifest, new { iModelId = i.IModel, sourceFiles = new[] { new { sourceFileId = "doc-extra" } } }),
        [nameof(ApiRoutes.GetManifestConnections)] = i => ($"{Manifest}?iModelId={i.IModel}", null),
        [nameof(ApiRoutes.GetManifestConnection)] = i => ($"{Manifest}/{i.ManifestConnection}", null),
        [nameof(ApiRoutes.UpdateManifestConnection)] = i => ($"{Manifest}/{i.ManifestConnection}", new { displayName = "Renamed" }),
        [nameof(ApiRoutes.DeleteManifestConnection)] = i => ($"{Manifest}/{i.ManifestConnection}", null),
        [nameof(ApiRoutes.RunManifestConnection)] = i => ($"{Manifest}/{i.ManifestConnection}/runs", ManifestRunBody),
        [nameof(ApiRoutes.GetManifestConnectionRuns)] = i => ($"{Manifest}/{i.ManifestConnection}/runs", null),
        [nameof(ApiRoutes.GetManifestConnectionRun)] = i => ($"{Manifest}/{i.ManifestConnection}/runs/{i.ManifestRun}", null),
        [nameof(ApiRoutes.CancelManifestConnectionRun)] = i => ($"{Manifest}/{i.ManifestConnection}/runs/{i.ManifestRun}/cancel", null),
        [nameof(ApiRoutes.AddManifestConnectionSourceFile)] = i => ($"{Manifest}/{i.ManifestConnection}/sourcefiles", new { sourceFileId = $"doc-{Guid.NewGuid():N}" }),
        [nameof(ApiRoutes.GetManifestConnectionSourceFiles)] = i => ($"{Manifest}/{i.ManifestConnection}/sourcefiles", null),
        [nameof(ApiRoutes.GetManifestConnectionSourceFile)] = i => ($"{Manifest}/{i.ManifestConnection}/sourcefiles/{i.ManifestSourceFile}", null),
        [nameof(ApiRoutes.UpdateManifestConnectionSourceFile)] = i => ($"{Manifest}/{i.ManifestConnection}/sourcefiles/{i.ManifestSourceFile}", new { sourceFileId = "doc-a" }),
        [nameof(ApiRoutes.RemoveManifestConnectionSourceFile)] = i => ($"{Manifest}/{i.ManifestConnection}/sourcefiles/{i.ManifestSourceFile}", null),
        [nameof(ApiRoutes.GetITwinConfiguration)] = i => ($"/synchronization/configurations/itwins/{i.ITwin}", null),
        [nameof(ApiRoutes.CreateITwinConfiguration)] = i => ($"/synchronization/configurations/itwins/{i.ITwin}", new { autoSync = true }),
        [nameof(ApiRoutes.PatchITwinConfiguration)] = i => ($"/synchronization/configurations/itwins/{i.ITwin}", new { autoSync = true }),
        [nameof(ApiRoutes.DeleteITwinConfiguration)] = i => ($"/synchronization/configurations/itwins/{i.ITwin}", null),
        [nameof(ApiRoutes.GetIModelConfiguration)] = i => ($"/synchronization/configurations/imodels/{i.IModel}", null),
        [nameof(ApiRoutes.CreateIModelConfiguration)] = i => ($"/synchronization/configurations/imodels/{i.IModel}", new { autoSync = true }),
        [nameof(ApiRoutes.PatchIModelConfiguration)] = i => ($"/synchronization/configurations/imodels/{i.IModel}", new { autoSync = true }),
        [nameof(ApiRoutes.DeleteIModelConfiguration)] = i => ($"/synchronization/configurations/imodels/{i.IModel}", null),
        [nameof(ApiRoutes.GetConnectionConfiguration)] = i => ($"/synchronization/configurations/connections/{i.StorageConnection}", null),
        [nameof(ApiRoutes.CreateConnectionConfiguration)] = i => ($"/synchronization/configurations/connections/{i.StorageConnection}", new { autoSync = true }),
        [nameof(ApiRoutes.PatchConnectionConfiguration)] = i => ($"/synchronization/configurations/connections/{i.StorageConnection}", new { autoSync = true }),
        [nameof(ApiRoutes.DeleteConnectionConfiguration)] = i => ($"/synchronization/configurations/connections/{i.StorageConnection}", null),
    };

    private static readonly object ManifestRunBody = new
    {
        sourceFiles = new[] { new { id = "doc-a", name = "a.csv", url = "http://127.0.0.1:9/a.csv", connectorType = "PSEXCEL" } },
    };

    /// <summary>An iTwin of the test user with one of everything, a completed run on each connection, and a Reader.</summary>
    private static async Task<Ids> ArrangeAsync()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string fileId = await Host.UploadIdAsync(iTwinId);
        string storage = await Host.CreateStorageConnectionAsync(iModelId, fileId);
        var storageRun = await Host.RunToCompletionAsync($"{Storage}/{storage}/run");
        var (_, manifestBody) = await Host.SendAsync(HttpMethod.Post, Manifest, new { iModelId, sourceFiles = new[] { new { sourceFileId = "doc-a" } } });
        string manifest = manifestBody.GetProperty("connection").Str("id");
        var manifestRun = await Host.RunToCompletionAsync($"{Manifest}/{manifest}/runs", ManifestRunBody);

        var (_, storageFiles) = await Host.SendAsync(HttpMethod.Get, $"{Storage}/{storage}/sourcefiles");
        var (_, manifestFiles) = await Host.SendAsync(HttpMethod.Get, $"{Manifest}/{manifest}/sourcefiles");
        var (_, elements) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?$top=1");
        foreach (string scope in new[] { $"itwins/{iTwinId}", $"imodels/{iModelId}", $"connections/{storage}" })
        {
            Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, $"/synchronization/configurations/{scope}", new { autoSync = true })).Status);
        }

        var (_, top) = await Host.SendAsync(HttpMethod.Get, $"/storage/?iTwinId={iTwinId}");
        string root = top.GetProperty("_links").GetProperty("folder").Str("href").Split('/')[^1];
        var (_, folder) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{root}/folders", new { displayName = "Matrix" });
        var (_, binFolder) = await Host.SendAsync(HttpMethod.Post, $"/storage/folders/{root}/folders", new { displayName = "Binned" });
        string binFile = await Host.UploadIdAsync(iTwinId, "binned.csv");
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/files/{binFile}")).Status);
        Assert.AreEqual(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/storage/folders/{binFolder.GetProperty("folder").Str("id")}")).Status);

        const string readerId = "matrix-reader";
        Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, $"/itwins/{iTwinId}/members", new { userId = readerId, role = "Reader" })).Status);
        return new Ids(
            iTwinId.ToString(), iModelId, fileId, storage, manifest, storageRun.Str("id"), manifestRun.Str("id"),
            storageFiles.GetProperty("sourceFiles")[0].Str("id"), manifestFiles.GetProperty("sourceFiles")[0].Str("id"),
            elements.GetProperty("elements")[0].Str("id"), readerId, folder.GetProperty("folder").Str("id"), binFile, binFolder.GetProperty("folder").Str("id"));
    }

    private static async Task RebinAsync(string routeName, Ids ids)
    {
        if (Rebin.TryGetValue(routeName, out var path))
        {
            Assert.AreEqual(HttpStatusCode.NoContent, (await SendAsync("DELETE", path(ids), null, Host.Token!)).Status, "back into the recycle bin");
        }
    }

    private static readonly HttpClient Client = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Sends as <paramref name="token"/>'s user; a string body is file content, anything else JSON. Only JSON answers are parsed.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string method, string path, object? body, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = body switch
            {
                null => null,
                string text => new StringContent(text, Encoding.UTF8, "text/csv"),
                _ => JsonContent.Create(body),
            },
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Client.SendAsync(request);
        string answer = await response.Content.ReadAsStringAsync();
        bool json = response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json" && answer.Length > 0;
        return (response.StatusCode, json ? JsonDocument.Parse(answer).RootElement.Clone() : default);
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 400;

    private static bool IsForbidden((HttpStatusCode Status, JsonElement Body) answer) =>
        answer.Status == HttpStatusCode.Forbidden && Code(answer) == "InsufficientPermissions";

    /// <summary>Access granted: a read succeeds; a write may still fail for its own reasons (409 busy, 422), never 401/403/404 or a 5xx.</summary>
    private static bool IsAllowed(string method, (HttpStatusCode Status, JsonElement Body) answer) =>
        method == "GET"
            ? IsSuccess(answer.Status)
            : answer.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound) && (int)answer.Status < 500;

    private static string? Code((HttpStatusCode Status, JsonElement Body) answer) =>
        answer.Body.ValueKind == JsonValueKind.Object && answer.Body.TryGetProperty("error", out var error) ? error.Str("code") : null;

    /// <summary>A well-formed token for the test user, signed with a key the host does not know.</summary>
    private static string Forge() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "syncfunctions-dev",
        Audience = "syncfunctions",
        Subject = new ClaimsIdentity([new Claim("sub", "test-user"), new Claim("scp", "itwin-platform")]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a-forger-s-own-key-that-is-long-enough-0123")), SecurityAlgorithms.HmacSha256),
    });
}
