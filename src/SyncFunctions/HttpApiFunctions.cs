using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Sync.Http.Routing;

namespace SyncFunctions;

/// <summary>
/// The HTTP API as Azure Functions: one thin function per entry of <see cref="ApiRoutes"/>, with the same name,
/// method and route (host.json sets routePrefix ""), each handing the request to the shared dispatcher.
/// A test compares the generated functions.metadata with the route table so the two hosts cannot drift.
/// </summary>
public sealed class HttpApiFunctions(ApiDispatcher dispatcher)
{
    [Function(nameof(ApiRoutes.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.Health, request, context, durableClient);

    [Function(nameof(ApiRoutes.Preflight))]
    public Task<IActionResult> Preflight([HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "{*path}")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.Preflight, request, context);

    [Function(nameof(ApiRoutes.GetOpenApiDocument))]
    public Task<IActionResult> GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetOpenApiDocument, request, context);

    [Function(nameof(ApiRoutes.CreateITwin))]
    public Task<IActionResult> CreateITwin([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "itwins")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CreateITwin, request, context);

    [Function(nameof(ApiRoutes.GetITwins))]
    public Task<IActionResult> GetITwins([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "itwins")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetITwins, request, context);

    [Function(nameof(ApiRoutes.GetITwin))]
    public Task<IActionResult> GetITwin([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "itwins/{itwinId}")] HttpRequest request, string itwinId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetITwin, request, context, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.GetITwinMembers))]
    public Task<IActionResult> GetITwinMembers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "itwins/{itwinId}/members")] HttpRequest request, string itwinId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetITwinMembers, request, context, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.AddITwinMember))]
    public Task<IActionResult> AddITwinMember([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "itwins/{itwinId}/members")] HttpRequest request, string itwinId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.AddITwinMember, request, context, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.UpdateITwinMember))]
    public Task<IActionResult> UpdateITwinMember([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "itwins/{itwinId}/members/{memberId}")] HttpRequest request, string itwinId, string memberId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateITwinMember, request, context, ("itwinId", itwinId), ("memberId", memberId));

    [Function(nameof(ApiRoutes.RemoveITwinMember))]
    public Task<IActionResult> RemoveITwinMember([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "itwins/{itwinId}/members/{memberId}")] HttpRequest request, string itwinId, string memberId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.RemoveITwinMember, request, context, ("itwinId", itwinId), ("memberId", memberId));

    [Function(nameof(ApiRoutes.CreateIModel))]
    public Task<IActionResult> CreateIModel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "imodels")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CreateIModel, request, context);

    [Function(nameof(ApiRoutes.GetIModels))]
    public Task<IActionResult> GetIModels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetIModels, request, context);

    [Function(nameof(ApiRoutes.GetIModel))]
    public Task<IActionResult> GetIModel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}")] HttpRequest request, string imodelId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetIModel, request, context, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.DeleteIModel))]
    public Task<IActionResult> DeleteIModel([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "imodels/{imodelId}")] HttpRequest request, string imodelId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteIModel, request, context, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.GetChangesets))]
    public Task<IActionResult> GetChangesets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/changesets")] HttpRequest request, string imodelId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetChangesets, request, context, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.GetChangeset))]
    public Task<IActionResult> GetChangeset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/changesets/{changesetId}")] HttpRequest request, string imodelId, string changesetId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetChangeset, request, context, ("imodelId", imodelId), ("changesetId", changesetId));

    [Function(nameof(ApiRoutes.DownloadChangeset))]
    public Task<IActionResult> DownloadChangeset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/changesets/{changesetId}/download")] HttpRequest request, string imodelId, string changesetId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DownloadChangeset, request, context, ("imodelId", imodelId), ("changesetId", changesetId));

    [Function(nameof(ApiRoutes.GetElements))]
    public Task<IActionResult> GetElements([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/elements")] HttpRequest request, string imodelId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetElements, request, context, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.GetElement))]
    public Task<IActionResult> GetElement([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/elements/{elementId}")] HttpRequest request, string imodelId, string elementId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetElement, request, context, ("imodelId", imodelId), ("elementId", elementId));

    [Function(nameof(ApiRoutes.GetElementRelationships))]
    public Task<IActionResult> GetElementRelationships([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/elements/{elementId}/relationships")] HttpRequest request, string imodelId, string elementId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetElementRelationships, request, context, ("imodelId", imodelId), ("elementId", elementId));

    [Function(nameof(ApiRoutes.GetChangedElements))]
    public Task<IActionResult> GetChangedElements([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/changedElements")] HttpRequest request, string imodelId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetChangedElements, request, context, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.GetSchema))]
    public Task<IActionResult> GetSchema([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imodels/{imodelId}/schema")] HttpRequest request, string imodelId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetSchema, request, context, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.UploadFile))]
    public Task<IActionResult> UploadFile([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/files")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UploadFile, request, context);

    [Function(nameof(ApiRoutes.GetFile))]
    public Task<IActionResult> GetFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/files/{fileId}")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetFile, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.DownloadFile))]
    public Task<IActionResult> DownloadFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/files/{fileId}/content")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DownloadFile, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.ReplaceFileContent))]
    public Task<IActionResult> ReplaceFileContent([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "storage/files/{fileId}/content")] HttpRequest request, string fileId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.ReplaceFileContent, request, context, durableClient, ("fileId", fileId));

    [Function(nameof(ApiRoutes.DeleteFile))]
    public Task<IActionResult> DeleteFile([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "storage/files/{fileId}")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteFile, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.GetStorageTopLevel))]
    public Task<IActionResult> GetStorageTopLevel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageTopLevel, request, context);

    [Function(nameof(ApiRoutes.GetFolder))]
    public Task<IActionResult> GetFolder([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/folders/{folderId}")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.GetFolderFolders))]
    public Task<IActionResult> GetFolderFolders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/folders/{folderId}/folders")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetFolderFolders, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.CreateFolder))]
    public Task<IActionResult> CreateFolder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/folders/{folderId}/folders")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CreateFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.GetFolderFiles))]
    public Task<IActionResult> GetFolderFiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/folders/{folderId}/files")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetFolderFiles, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.CreateFolderFile))]
    public Task<IActionResult> CreateFolderFile([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/folders/{folderId}/files")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CreateFolderFile, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.GetFolderItems))]
    public Task<IActionResult> GetFolderItems([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/folders/{folderId}/list")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetFolderItems, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.UpdateFile))]
    public Task<IActionResult> UpdateFile([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "storage/files/{fileId}")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateFile, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.CompleteFileUpload))]
    public Task<IActionResult> CompleteFileUpload([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/files/{fileId}/complete")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CompleteFileUpload, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.UpdateFileContent))]
    public Task<IActionResult> UpdateFileContent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/files/{fileId}/updateContent")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateFileContent, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.DownloadFileLink))]
    public Task<IActionResult> DownloadFileLink([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/files/{fileId}/download")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DownloadFileLink, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.UpdateFolder))]
    public Task<IActionResult> UpdateFolder([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "storage/folders/{folderId}")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.DeleteFolder))]
    public Task<IActionResult> DeleteFolder([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "storage/folders/{folderId}")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.SearchFolder))]
    public Task<IActionResult> SearchFolder([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/folders/{folderId}/search")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.SearchFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.GetRecycleBin))]
    public Task<IActionResult> GetRecycleBin([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "storage/recycleBin")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetRecycleBin, request, context);

    [Function(nameof(ApiRoutes.RestoreRecycledFile))]
    public Task<IActionResult> RestoreRecycledFile([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/recycleBin/files/{fileId}/restore")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.RestoreRecycledFile, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.DeleteRecycledFile))]
    public Task<IActionResult> DeleteRecycledFile([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "storage/recycleBin/files/{fileId}")] HttpRequest request, string fileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteRecycledFile, request, context, ("fileId", fileId));

    [Function(nameof(ApiRoutes.RestoreRecycledFolder))]
    public Task<IActionResult> RestoreRecycledFolder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "storage/recycleBin/folders/{folderId}/restore")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.RestoreRecycledFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.DeleteRecycledFolder))]
    public Task<IActionResult> DeleteRecycledFolder([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "storage/recycleBin/folders/{folderId}")] HttpRequest request, string folderId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteRecycledFolder, request, context, ("folderId", folderId));

    [Function(nameof(ApiRoutes.GetConnections))]
    public Task<IActionResult> GetConnections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/connections")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetConnections, request, context);

    [Function(nameof(ApiRoutes.GetAuthorizationInformation))]
    public Task<IActionResult> GetAuthorizationInformation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/connections/authorizationInformation")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetAuthorizationInformation, request, context);

    [Function(nameof(ApiRoutes.CompleteAuthorization))]
    public Task<IActionResult> CompleteAuthorization([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/authorization/callback")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CompleteAuthorization, request, context);

    [Function(nameof(ApiRoutes.CreateStorageConnection))]
    public Task<IActionResult> CreateStorageConnection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/storageConnections")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CreateStorageConnection, request, context);

    [Function(nameof(ApiRoutes.GetStorageConnections))]
    public Task<IActionResult> GetStorageConnections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/storageConnections")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageConnections, request, context);

    [Function(nameof(ApiRoutes.GetStorageConnection))]
    public Task<IActionResult> GetStorageConnection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/storageConnections/{connectionId}")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageConnection, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.UpdateStorageConnection))]
    public Task<IActionResult> UpdateStorageConnection([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "synchronization/imodels/storageConnections/{connectionId}")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateStorageConnection, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.DeleteStorageConnection))]
    public Task<IActionResult> DeleteStorageConnection([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/imodels/storageConnections/{connectionId}")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteStorageConnection, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.RunStorageConnection))]
    public Task<IActionResult> RunStorageConnection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/storageConnections/{connectionId}/run")] HttpRequest request, string connectionId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.RunStorageConnection, request, context, durableClient, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetStorageConnectionRuns))]
    public Task<IActionResult> GetStorageConnectionRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/storageConnections/{connectionId}/runs")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageConnectionRuns, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetStorageConnectionRun))]
    public Task<IActionResult> GetStorageConnectionRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/storageConnections/{connectionId}/runs/{runId}")] HttpRequest request, string connectionId, string runId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageConnectionRun, request, context, ("connectionId", connectionId), ("runId", runId));

    [Function(nameof(ApiRoutes.CancelStorageConnectionRun))]
    public Task<IActionResult> CancelStorageConnectionRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/storageConnections/{connectionId}/runs/{runId}/cancel")] HttpRequest request, string connectionId, string runId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.CancelStorageConnectionRun, request, context, durableClient, ("connectionId", connectionId), ("runId", runId));

    [Function(nameof(ApiRoutes.AddStorageConnectionSourceFile))]
    public Task<IActionResult> AddStorageConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/storageConnections/{connectionId}/sourcefiles")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.AddStorageConnectionSourceFile, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetStorageConnectionSourceFiles))]
    public Task<IActionResult> GetStorageConnectionSourceFiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/storageConnections/{connectionId}/sourcefiles")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageConnectionSourceFiles, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetStorageConnectionSourceFile))]
    public Task<IActionResult> GetStorageConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/storageConnections/{connectionId}/sourcefiles/{sourceFileId}")] HttpRequest request, string connectionId, string sourceFileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetStorageConnectionSourceFile, request, context, ("connectionId", connectionId), ("sourceFileId", sourceFileId));

    [Function(nameof(ApiRoutes.UpdateStorageConnectionSourceFile))]
    public Task<IActionResult> UpdateStorageConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "synchronization/imodels/storageConnections/{connectionId}/sourcefiles/{sourceFileId}")] HttpRequest request, string connectionId, string sourceFileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateStorageConnectionSourceFile, request, context, ("connectionId", connectionId), ("sourceFileId", sourceFileId));

    [Function(nameof(ApiRoutes.RemoveStorageConnectionSourceFile))]
    public Task<IActionResult> RemoveStorageConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/imodels/storageConnections/{connectionId}/sourcefiles/{sourceFileId}")] HttpRequest request, string connectionId, string sourceFileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.RemoveStorageConnectionSourceFile, request, context, ("connectionId", connectionId), ("sourceFileId", sourceFileId));

    [Function(nameof(ApiRoutes.CreateManifestConnection))]
    public Task<IActionResult> CreateManifestConnection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/manifestConnections")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.CreateManifestConnection, request, context);

    [Function(nameof(ApiRoutes.GetManifestConnections))]
    public Task<IActionResult> GetManifestConnections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/manifestConnections")] HttpRequest request, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetManifestConnections, request, context);

    [Function(nameof(ApiRoutes.GetManifestConnection))]
    public Task<IActionResult> GetManifestConnection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/manifestConnections/{connectionId}")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetManifestConnection, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.UpdateManifestConnection))]
    public Task<IActionResult> UpdateManifestConnection([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "synchronization/imodels/manifestConnections/{connectionId}")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateManifestConnection, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.DeleteManifestConnection))]
    public Task<IActionResult> DeleteManifestConnection([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/imodels/manifestConnections/{connectionId}")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.DeleteManifestConnection, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.RunManifestConnection))]
    public Task<IActionResult> RunManifestConnection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/manifestConnections/{connectionId}/runs")] HttpRequest request, string connectionId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.RunManifestConnection, request, context, durableClient, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetManifestConnectionRuns))]
    public Task<IActionResult> GetManifestConnectionRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/manifestConnections/{connectionId}/runs")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetManifestConnectionRuns, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetManifestConnectionRun))]
    public Task<IActionResult> GetManifestConnectionRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/manifestConnections/{connectionId}/runs/{runId}")] HttpRequest request, string connectionId, string runId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetManifestConnectionRun, request, context, ("connectionId", connectionId), ("runId", runId));

    [Function(nameof(ApiRoutes.CancelManifestConnectionRun))]
    public Task<IActionResult> CancelManifestConnectionRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/manifestConnections/{connectionId}/runs/{runId}/cancel")] HttpRequest request, string connectionId, string runId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.CancelManifestConnectionRun, request, context, durableClient, ("connectionId", connectionId), ("runId", runId));

    [Function(nameof(ApiRoutes.AddManifestConnectionSourceFile))]
    public Task<IActionResult> AddManifestConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/imodels/manifestConnections/{connectionId}/sourcefiles")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.AddManifestConnectionSourceFile, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetManifestConnectionSourceFiles))]
    public Task<IActionResult> GetManifestConnectionSourceFiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/manifestConnections/{connectionId}/sourcefiles")] HttpRequest request, string connectionId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetManifestConnectionSourceFiles, request, context, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.GetManifestConnectionSourceFile))]
    public Task<IActionResult> GetManifestConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/imodels/manifestConnections/{connectionId}/sourcefiles/{sourceFileId}")] HttpRequest request, string connectionId, string sourceFileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.GetManifestConnectionSourceFile, request, context, ("connectionId", connectionId), ("sourceFileId", sourceFileId));

    [Function(nameof(ApiRoutes.UpdateManifestConnectionSourceFile))]
    public Task<IActionResult> UpdateManifestConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "synchronization/imodels/manifestConnections/{connectionId}/sourcefiles/{sourceFileId}")] HttpRequest request, string connectionId, string sourceFileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.UpdateManifestConnectionSourceFile, request, context, ("connectionId", connectionId), ("sourceFileId", sourceFileId));

    [Function(nameof(ApiRoutes.RemoveManifestConnectionSourceFile))]
    public Task<IActionResult> RemoveManifestConnectionSourceFile([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/imodels/manifestConnections/{connectionId}/sourcefiles/{sourceFileId}")] HttpRequest request, string connectionId, string sourceFileId, FunctionContext context) =>
        InvokeAsync(ApiRoutes.RemoveManifestConnectionSourceFile, request, context, ("connectionId", connectionId), ("sourceFileId", sourceFileId));

    [Function(nameof(ApiRoutes.GetITwinConfiguration))]
    public Task<IActionResult> GetITwinConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/configurations/itwins/{itwinId}")] HttpRequest request, string itwinId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.GetITwinConfiguration, request, context, durableClient, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.CreateITwinConfiguration))]
    public Task<IActionResult> CreateITwinConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/configurations/itwins/{itwinId}")] HttpRequest request, string itwinId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.CreateITwinConfiguration, request, context, durableClient, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.PatchITwinConfiguration))]
    public Task<IActionResult> PatchITwinConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "synchronization/configurations/itwins/{itwinId}")] HttpRequest request, string itwinId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.PatchITwinConfiguration, request, context, durableClient, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.DeleteITwinConfiguration))]
    public Task<IActionResult> DeleteITwinConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/configurations/itwins/{itwinId}")] HttpRequest request, string itwinId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.DeleteITwinConfiguration, request, context, durableClient, ("itwinId", itwinId));

    [Function(nameof(ApiRoutes.GetIModelConfiguration))]
    public Task<IActionResult> GetIModelConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/configurations/imodels/{imodelId}")] HttpRequest request, string imodelId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.GetIModelConfiguration, request, context, durableClient, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.CreateIModelConfiguration))]
    public Task<IActionResult> CreateIModelConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/configurations/imodels/{imodelId}")] HttpRequest request, string imodelId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.CreateIModelConfiguration, request, context, durableClient, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.PatchIModelConfiguration))]
    public Task<IActionResult> PatchIModelConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "synchronization/configurations/imodels/{imodelId}")] HttpRequest request, string imodelId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.PatchIModelConfiguration, request, context, durableClient, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.DeleteIModelConfiguration))]
    public Task<IActionResult> DeleteIModelConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/configurations/imodels/{imodelId}")] HttpRequest request, string imodelId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.DeleteIModelConfiguration, request, context, durableClient, ("imodelId", imodelId));

    [Function(nameof(ApiRoutes.GetConnectionConfiguration))]
    public Task<IActionResult> GetConnectionConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synchronization/configurations/connections/{connectionId}")] HttpRequest request, string connectionId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.GetConnectionConfiguration, request, context, durableClient, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.CreateConnectionConfiguration))]
    public Task<IActionResult> CreateConnectionConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "synchronization/configurations/connections/{connectionId}")] HttpRequest request, string connectionId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.CreateConnectionConfiguration, request, context, durableClient, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.PatchConnectionConfiguration))]
    public Task<IActionResult> PatchConnectionConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "synchronization/configurations/connections/{connectionId}")] HttpRequest request, string connectionId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.PatchConnectionConfiguration, request, context, durableClient, ("connectionId", connectionId));

    [Function(nameof(ApiRoutes.DeleteConnectionConfiguration))]
    public Task<IActionResult> DeleteConnectionConfiguration([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "synchronization/configurations/connections/{connectionId}")] HttpRequest request, string connectionId, [DurableClient] DurableTaskClient durableClient, FunctionContext context) =>
        InvokeWithDurableAsync(ApiRoutes.DeleteConnectionConfiguration, request, context, durableClient, ("connectionId", connectionId));

    private async Task<IActionResult> InvokeAsync(ApiRoute route, HttpRequest request, FunctionContext context, params (string Name, string Value)[] routeValues) =>
        await dispatcher.InvokeAsync(route, request, routeValues.ToDictionary(v => v.Name, v => (string?)v.Value), context.InstanceServices);

    private Task<IActionResult> InvokeWithDurableAsync(ApiRoute route, HttpRequest request, FunctionContext context, DurableTaskClient durableClient, params (string Name, string Value)[] routeValues)
    {
        context.InstanceServices.GetRequiredService<DurableClientHolder>().Client = durableClient;
        return InvokeAsync(route, request, context, routeValues);
    }
}
