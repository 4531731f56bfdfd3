using System.Net;
using System.Text;

namespace Sync.LocalHost.Tests;

/// <summary>Every kind of bad input gets a 4xx with the API's error JSON, never a 5xx.</summary>
[TestClass]
public sealed class BadInputTests
{
    private const string Storage = "/synchronization/imodels/storageConnections";
    private const string Manifest = "/synchronization/imodels/manifestConnections";

    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Sixty_bad_requests_all_get_4xx_error_json()
    {
        var (iTwinId, iModelId) = await Host.CreateIModelAsync();
        string fileId = await Host.UploadIdAsync(iTwinId);
        string storageId = await Host.CreateStorageConnectionAsync(iModelId, fileId);
        var (_, manifest) = await Host.SendAsync(HttpMethod.Post, Manifest, new { iModelId, sourceFiles = new[] { new { sourceFileId = "d1" } } });
        string manifestId = manifest.GetProperty("connection").Str("id");
        string unknownConnection = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        string bigJson = "{\"iTwinId\":\"" + new string('x', 1_100_000) + "\"}";

        var cases = new (HttpMethod Method, string Path, string? Body, HttpStatusCode Status, string Code)[]
        {
            // iModels
            (HttpMethod.Post, "/imodels", null, HttpStatusCode.UnprocessableEntity, "MissingRequestBody"),
            (HttpMethod.Post, "/imodels", "   ", HttpStatusCode.UnprocessableEntity, "MissingRequestBody"),
            (HttpMethod.Post, "/imodels", "{\"iTwinId\":", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", "[1,2]", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", "\"text\"", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", "{}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", "{\"iTwinId\":\"not-a-guid\",\"name\":\"x\"}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", "{\"iTwinId\":42,\"name\":\"x\"}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", $"{{\"iTwinId\":\"{iTwinId}\",\"name\":\"\"}}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", $"{{\"iTwinId\":\"{iTwinId}\",\"name\":[\"x\"]}}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", $"{{\"iTwinId\":\"{iTwinId}\",\"name\":\"{new string('n', 300)}\"}}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", $"{{\"iTwinId\":\"{Guid.Empty}\",\"name\":\"x\"}}", HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Post, "/imodels", bigJson, HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge"),
            (HttpMethod.Post, "/imodels", new string('[', 200) + new string(']', 200), HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, "/imodels", null, HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, "/imodels?iTwinId=abc", null, HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, $"/imodels?iTwinId={iTwinId}&$top=0", null, HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, $"/imodels?iTwinId={iTwinId}&$top=abc", null, HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, $"/imodels?iTwinId={iTwinId}&$skip=-1", null, HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, $"/imodels?iTwinId={iTwinId}&$top=100000", null, HttpStatusCode.UnprocessableEntity, "InvalidiModelRequest"),
            (HttpMethod.Get, "/imodels/not-a-guid", null, HttpStatusCode.NotFound, "iModelNotFound"),
            (HttpMethod.Get, $"/imodels/{Guid.NewGuid()}", null, HttpStatusCode.NotFound, "iModelNotFound"),
            (HttpMethod.Delete, $"/imodels/{Guid.NewGuid()}", null, HttpStatusCode.NotFound, "iModelNotFound"),

            // Storage files
            (HttpMethod.Post, "/storage/files?name=a.csv", "x", HttpStatusCode.UnprocessableEntity, "InvalidFileRequest"),
            (HttpMethod.Post, $"/storage/files?iTwinId={iTwinId}", "x", HttpStatusCode.UnprocessableEntity, "InvalidFileRequest"),
            (HttpMethod.Post, $"/storage/files?iTwinId={iTwinId}&name=..%2Fetc%2Fpasswd", "x", HttpStatusCode.UnprocessableEntity, "InvalidFileRequest"),
            (HttpMethod.Post, "/storage/files?iTwinId=zz&name=a.csv", "x", HttpStatusCode.UnprocessableEntity, "InvalidFileRequest"),
            (HttpMethod.Get, "/storage/files/unknown", null, HttpStatusCode.NotFound, "FileNotFound"),
            (HttpMethod.Get, $"/storage/files/{unknownConnection}", null, HttpStatusCode.NotFound, "FileNotFound"),
            (HttpMethod.Get, "/storage/files/unknown/content", null, HttpStatusCode.NotFound, "FileNotFound"),
            (HttpMethod.Put, "/storage/files/unknown/content", "x", HttpStatusCode.NotFound, "FileNotFound"),
            (HttpMethod.Delete, "/storage/files/unknown", null, HttpStatusCode.NotFound, "FileNotFound"),

            // Storage connections
            (HttpMethod.Post, Storage, null, HttpStatusCode.UnprocessableEntity, "MissingRequestBody"),
            (HttpMethod.Post, Storage, "{oops}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Post, Storage, "{}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Post, Storage, $"{{\"iModelId\":\"{Guid.NewGuid()}\",\"sourceFiles\":[{{\"storageFileId\":\"{fileId}\",\"connectorType\":\"IFC\"}}]}}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Post, Storage, $"{{\"iModelId\":\"{iModelId}\",\"sourceFiles\":[]}}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Post, Storage, $"{{\"iModelId\":\"{iModelId}\",\"sourceFiles\":{{}}}}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Post, Storage, $"{{\"iModelId\":\"{iModelId}\",\"sourceFiles\":[{{\"storageFileId\":\"{fileId}\",\"connectorType\":\"IFC\"}}]}}", HttpStatusCode.Conflict, "SourceFileAlreadyMapped"),
            (HttpMethod.Get, Storage, null, HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Get, $"{Storage}?iModelId=nope", null, HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Get, $"{Storage}/{unknownConnection}", null, HttpStatusCode.NotFound, "ConnectionNotFound"),
            (HttpMethod.Get, $"{Storage}/short", null, HttpStatusCode.NotFound, "ConnectionNotFound"),
            (HttpMethod.Put, $"{Storage}/{unknownConnection}", "{}", HttpStatusCode.NotFound, "ConnectionNotFound"),
            (HttpMethod.Put, $"{Storage}/{storageId}", null, HttpStatusCode.UnprocessableEntity, "MissingRequestBody"),
            (HttpMethod.Put, $"{Storage}/{storageId}", "{\"displayName\":7}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Put, $"{Storage}/{storageId}", "{\"authenticationType\":\"Robot\"}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest"),
            (HttpMethod.Delete, $"{Storage}/{unknownConnection}", null, HttpStatusCode.NotFound, "ConnectionNotFound"),
            (HttpMethod.Post, $"{Storage}/{storageId}/sourcefiles", null, HttpStatusCode.UnprocessableEntity, "MissingRequestBody"),
            (HttpMethod.Post, $"{Storage}/{storageId}/sourcefiles", "{\"storageFileId\":\"x\"}", HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionSourceFileRequest"),
            (HttpMethod.Post, $"{Storage}/{storageId}/sourcefiles", $"{{\"storageFileId\":\"{fileId}\",\"connectorType\":\"IFC\"}}", HttpStatusCode.Conflict, "SourceFileAlreadyMapped"),
            (HttpMethod.Post, $"{Storage}/{unknownConnection}/sourcefiles", "{}", HttpStatusCode.NotFound, "ConnectionNotFound"),
            (HttpMethod.Get, $"{Storage}/{storageId}/sourcefiles/not-a-guid", null, HttpStatusCode.NotFound, "StorageConnectionSourceFileNotFound"),
            (HttpMethod.Get, $"{Storage}/{storageId}/sourcefiles/{Guid.NewGuid()}", null, HttpStatusCode.NotFound, "StorageConnectionSourceFileNotFound"),
            (HttpMethod.Put, $"{Storage}/{storageId}/sourcefiles/{Guid.NewGuid()}", "{}", HttpStatusCode.NotFound, "StorageConnectionSourceFileNotFound"),
            (HttpMethod.Delete, $"{Storage}/{storageId}/sourcefiles/{Guid.NewGuid()}", null, HttpStatusCode.NotFound, "StorageConnectionSourceFileNotFound"),
            (HttpMethod.Get, $"{Storage}/{storageId}/sourcefiles?$top=x", null, HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionSourceFileRequest"),

            // Manifest connections and the all-kinds list
            (HttpMethod.Post, Manifest, "{\"iModelId\":null}", HttpStatusCode.UnprocessableEntity, "InvalidManifestConnectionRequest"),
            (HttpMethod.Post, Manifest, $"{{\"iModelId\":\"{iModelId}\",\"sourceFiles\":[{{\"sourceFileId\":\"\"}}]}}", HttpStatusCode.UnprocessableEntity, "InvalidManifestConnectionRequest"),
            (HttpMethod.Post, Manifest, $"{{\"iModelId\":\"{iModelId}\",\"sourceFiles\":[{{\"sourceFileId\":\"d1\"}}]}}", HttpStatusCode.Conflict, "SourceFileAlreadyMapped"),
            (HttpMethod.Post, $"{Manifest}/{manifestId}/sourcefiles", "{\"sourceFileId\":{}}", HttpStatusCode.UnprocessableEntity, "InvalidManifestConnectionSourceFileRequest"),
            (HttpMethod.Get, $"{Manifest}/{storageId}", null, HttpStatusCode.NotFound, "ConnectionNotFound"),
            (HttpMethod.Get, "/synchronization/imodels/connections", null, HttpStatusCode.UnprocessableEntity, "InvalidConnectionRequest"),
            (HttpMethod.Get, "/synchronization/imodels/connections?imodelId=1", null, HttpStatusCode.UnprocessableEntity, "InvalidConnectionRequest"),

            // Routing
            (HttpMethod.Get, "/no/such/route", null, HttpStatusCode.NotFound, "NotFound"),
            (HttpMethod.Patch, "/imodels", "{}", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed"),
        };

        var failures = new List<string>();
        foreach (var (method, path, body, status, code) in cases)
        {
            using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");
            var (actualStatus, actualBody) = await Host.SendAsync(method, path, content);
            string? actualCode = actualBody.ValueKind == System.Text.Json.JsonValueKind.Object && actualBody.TryGetProperty("error", out var error)
                ? error.GetProperty("code").GetString()
                : null;
            if (actualStatus != status || actualCode != code)
            {
                failures.Add($"{method} {path[..Math.Min(path.Length, 120)]} ({body?[..Math.Min(body.Length, 60)]}): expected {(int)status} {code}, got {(int)actualStatus} {actualBody.ToString()[..Math.Min(actualBody.ToString().Length, 300)]}");
            }
        }

        Assert.IsGreaterThanOrEqualTo(50, cases.Length);
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
    }
}
