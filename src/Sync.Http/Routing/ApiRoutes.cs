using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sync.Engine.Catalog;
using Sync.Engine.Model;
using Sync.Http.Access;
using Sync.Http.Api;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;

namespace Sync.Http.Routing;

/// <summary>
/// The route table both hosts serve. The local host maps every entry; the Functions app has one [Function]
/// per entry named after it, and a test compares its generated functions.metadata with <see cref="All"/>.
/// </summary>
public static class ApiRoutes
{
    private const string Storage = "synchronization/imodels/storageConnections";
    private const string Manifest = "synchronization/imodels/manifestConnections";

    private static readonly ITwinLocator OfITwin = ITwinLocator.ITwin(IdSource.Route, "itwinId");
    private static readonly ITwinLocator OfIModel = ITwinLocator.IModel(IdSource.Route, "imodelId");
    private static readonly ITwinLocator OfConnection = ITwinLocator.Connection("connectionId");
    private static readonly ITwinLocator OfFile = ITwinLocator.File("fileId");
    private static readonly ITwinLocator OfFolder = ITwinLocator.Folder("folderId");

    // Bentley's Storage API names the iTwin ?projectId= (older clients) or ?iTwinId=.
    private static readonly ITwinLocator OfStorageITwin = ITwinLocator.ITwin(IdSource.Query, "iTwinId") with { AlternativeName = "projectId" };

    public static readonly ApiRoute Health = new(nameof(Health), "GET", "health", (sp, r) => sp.GetRequiredService<HealthApi>().GetAsync(r), Scope: null, AllowAnonymous: true, Answer: typeof(HealthAnswer));

    /// <summary>Browsers' CORS preflight for any path: 204, with the allowing headers that the dispatcher adds to every answer.</summary>
    public static readonly ApiRoute Preflight = new(nameof(Preflight), "OPTIONS", "{*path}", (_, _) => Task.FromResult(ApiResult.NoContent()), Scope: null, AllowAnonymous: true);

    /// <summary>This API's OpenAPI 3.1 document, built from this table.</summary>
    public static readonly ApiRoute GetOpenApiDocument = new(nameof(GetOpenApiDocument), "GET", "openapi.json", (sp, _) => Task.FromResult(OpenApiDocumentResult(sp)), Scope: null, AllowAnonymous: true);

    public static readonly ApiRoute CreateITwin = new(nameof(CreateITwin), "POST", "itwins", (sp, r) => Api<ITwinsApi>(sp).CreateAsync(r), Scope: null, Answer: typeof(ITwinAnswer), Body: ApiBody.Of<CreateITwinRequest>());
    public static readonly ApiRoute GetITwins = new(nameof(GetITwins), "GET", "itwins", (sp, r) => Api<ITwinsApi>(sp).ListAsync(r), Scope: null, Answer: typeof(ITwinsAnswer));
    public static readonly ApiRoute GetITwin = new(nameof(GetITwin), "GET", "itwins/{itwinId}", (sp, r) => Api<ITwinsApi>(sp).GetAsync(r), OfITwin, Answer: typeof(ITwinAnswer));
    public static readonly ApiRoute GetITwinMembers = new(nameof(GetITwinMembers), "GET", "itwins/{itwinId}/members", (sp, r) => Api<ITwinsApi>(sp).ListMembersAsync(r), OfITwin, Answer: typeof(MembersAnswer));
    public static readonly ApiRoute AddITwinMember = new(nameof(AddITwinMember), "POST", "itwins/{itwinId}/members", (sp, r) => Api<ITwinsApi>(sp).AddMemberAsync(r), OfITwin, Requires: Role.Owner, Answer: typeof(MemberAnswer), Body: ApiBody.Of<AddMemberRequest>());
    public static readonly ApiRoute UpdateITwinMember = new(nameof(UpdateITwinMember), "PATCH", "itwins/{itwinId}/members/{memberId}", (sp, r) => Api<ITwinsApi>(sp).UpdateMemberAsync(r), OfITwin, Requires: Role.Owner, Answer: typeof(MemberAnswer), Body: ApiBody.Of<UpdateMemberRequest>());
    public static readonly ApiRoute RemoveITwinMember = new(nameof(RemoveITwinMember), "DELETE", "itwins/{itwinId}/members/{memberId}", (sp, r) => Api<ITwinsApi>(sp).RemoveMemberAsync(r), OfITwin);

    public static readonly ApiRoute CreateIModel = new(nameof(CreateIModel), "POST", "imodels", (sp, r) => Api<IModelsApi>(sp).CreateAsync(r), ITwinLocator.ITwin(IdSource.Body, "iTwinId"), Answer: typeof(IModelAnswer), Body: ApiBody.Of<CreateIModelRequest>());
    public static readonly ApiRoute GetIModels = new(nameof(GetIModels), "GET", "imodels", (sp, r) => Api<IModelsApi>(sp).ListAsync(r), ITwinLocator.ITwin(IdSource.Query, "iTwinId"), Answer: typeof(IModelsAnswer), RepresentationAnswer: typeof(IModelsRepresentationAnswer));
    public static readonly ApiRoute GetIModel = new(nameof(GetIModel), "GET", "imodels/{imodelId}", (sp, r) => Api<IModelsApi>(sp).GetAsync(r), OfIModel, Answer: typeof(IModelAnswer));
    public static readonly ApiRoute DeleteIModel = new(nameof(DeleteIModel), "DELETE", "imodels/{imodelId}", (sp, r) => Api<IModelsApi>(sp).DeleteAsync(r), OfIModel);

    public static readonly ApiRoute GetChangesets = new(nameof(GetChangesets), "GET", "imodels/{imodelId}/changesets", (sp, r) => Api<ChangesetsApi>(sp).ListAsync(r), OfIModel, Answer: typeof(ChangesetsAnswer));
    public static readonly ApiRoute GetChangeset = new(nameof(GetChangeset), "GET", "imodels/{imodelId}/changesets/{changesetId}", (sp, r) => Api<ChangesetsApi>(sp).GetAsync(r), OfIModel, Answer: typeof(ChangesetAnswer));
    public static readonly ApiRoute DownloadChangeset = new(nameof(DownloadChangeset), "GET", "imodels/{imodelId}/changesets/{changesetId}/download", (sp, r) => Api<ChangesetsApi>(sp).DownloadAsync(r), OfIModel, Produces: "application/x-ndjson");
    public static readonly ApiRoute GetElements = new(nameof(GetElements), "GET", "imodels/{imodelId}/elements", (sp, r) => Api<ElementsApi>(sp).ListAsync(r), OfIModel, Answer: typeof(ElementsAnswer));
    public static readonly ApiRoute GetElement = new(nameof(GetElement), "GET", "imodels/{imodelId}/elements/{elementId}", (sp, r) => Api<ElementsApi>(sp).GetAsync(r), OfIModel, Answer: typeof(ElementAnswer));
    public static readonly ApiRoute GetElementRelationships = new(nameof(GetElementRelationships), "GET", "imodels/{imodelId}/elements/{elementId}/relationships", (sp, r) => Api<ElementsApi>(sp).RelationshipsAsync(r), OfIModel, Answer: typeof(RelationshipsAnswer));
    public static readonly ApiRoute GetChangedElements = new(nameof(GetChangedElements), "GET", "imodels/{imodelId}/changedElements", (sp, r) => Api<ElementsApi>(sp).ChangedElementsAsync(r), OfIModel, Answer: typeof(ChangedElementsAnswer));
    public static readonly ApiRoute GetSchema = new(nameof(GetSchema), "GET", "imodels/{imodelId}/schema", (sp, r) => Api<ElementsApi>(sp).SchemaAsync(r), OfIModel, Answer: typeof(SchemaAnswer));

    public static readonly ApiRoute UploadFile = new(nameof(UploadFile), "POST", "storage/files", (sp, r) => Api<StorageFilesApi>(sp).UploadAsync(r), ITwinLocator.ITwin(IdSource.Query, "iTwinId"), Answer: typeof(FileAnswer), Body: new ApiBody.Bytes());
    public static readonly ApiRoute GetFile = new(nameof(GetFile), "GET", "storage/files/{fileId}", (sp, r) => Api<StorageFilesApi>(sp).GetAsync(r), OfFile, Answer: typeof(FileAnswer));
    public static readonly ApiRoute DownloadFile = new(nameof(DownloadFile), "GET", "storage/files/{fileId}/content", (sp, r) => Api<StorageFilesApi>(sp).DownloadAsync(r), OfFile, Produces: "application/octet-stream");
    public static readonly ApiRoute ReplaceFileContent = new(nameof(ReplaceFileContent), "PUT", "storage/files/{fileId}/content", (sp, r) => Api<StorageFilesApi>(sp).ReplaceContentAsync(r), OfFile, Answer: typeof(FileAnswer), Body: new ApiBody.Bytes());
    public static readonly ApiRoute DeleteFile = new(nameof(DeleteFile), "DELETE", "storage/files/{fileId}", (sp, r) => Api<StorageFilesApi>(sp).DeleteAsync(r), OfFile);

    public static readonly ApiRoute GetStorageTopLevel = new(nameof(GetStorageTopLevel), "GET", "storage", (sp, r) => Api<StorageFoldersApi>(sp).TopLevelAsync(r), OfStorageITwin, Answer: typeof(ItemsAnswer));
    public static readonly ApiRoute GetFolder = new(nameof(GetFolder), "GET", "storage/folders/{folderId}", (sp, r) => Api<StorageFoldersApi>(sp).GetAsync(r), OfFolder, Answer: typeof(FolderAnswer));
    public static readonly ApiRoute GetFolderFolders = new(nameof(GetFolderFolders), "GET", "storage/folders/{folderId}/folders", (sp, r) => Api<StorageFoldersApi>(sp).ListFoldersAsync(r), OfFolder, Answer: typeof(FoldersAnswer));
    public static readonly ApiRoute CreateFolder = new(nameof(CreateFolder), "POST", "storage/folders/{folderId}/folders", (sp, r) => Api<StorageFoldersApi>(sp).CreateFolderAsync(r), OfFolder, Answer: typeof(FolderAnswer), Body: ApiBody.Of<CreateStorageItemRequest>());
    public static readonly ApiRoute GetFolderFiles = new(nameof(GetFolderFiles), "GET", "storage/folders/{folderId}/files", (sp, r) => Api<StorageFoldersApi>(sp).ListFilesAsync(r), OfFolder, Answer: typeof(FilesAnswer));
    public static readonly ApiRoute CreateFolderFile = new(nameof(CreateFolderFile), "POST", "storage/folders/{folderId}/files", (sp, r) => Api<StorageFoldersApi>(sp).CreateFileAsync(r), OfFolder, Answer: typeof(UploadLinksAnswer), Body: ApiBody.Of<CreateStorageItemRequest>());
    public static readonly ApiRoute UpdateFolder = new(nameof(UpdateFolder), "PATCH", "storage/folders/{folderId}", (sp, r) => Api<StorageFoldersApi>(sp).UpdateFolderAsync(r), OfFolder, Answer: typeof(FolderAnswer), Body: ApiBody.Of<UpdateStorageItemRequest>());
    public static readonly ApiRoute DeleteFolder = new(nameof(DeleteFolder), "DELETE", "storage/folders/{folderId}", (sp, r) => Api<StorageFoldersApi>(sp).DeleteFolderAsync(r), OfFolder);
    public static readonly ApiRoute SearchFolder = new(nameof(SearchFolder), "GET", "storage/folders/{folderId}/search", (sp, r) => Api<StorageFoldersApi>(sp).SearchAsync(r), OfFolder, Answer: typeof(ItemsAnswer));
    public static readonly ApiRoute GetRecycleBin = new(nameof(GetRecycleBin), "GET", "storage/recycleBin", (sp, r) => Api<RecycleBinApi>(sp).ListAsync(r), OfStorageITwin, Answer: typeof(ItemsAnswer));
    public static readonly ApiRoute RestoreRecycledFile = new(nameof(RestoreRecycledFile), "POST", "storage/recycleBin/files/{fileId}/restore", (sp, r) => Api<RecycleBinApi>(sp).RestoreFileAsync(r), OfFile);
    public static readonly ApiRoute DeleteRecycledFile = new(nameof(DeleteRecycledFile), "DELETE", "storage/recycleBin/files/{fileId}", (sp, r) => Api<RecycleBinApi>(sp).DeleteFileAsync(r), OfFile);
    public static readonly ApiRoute RestoreRecycledFolder = new(nameof(RestoreRecycledFolder), "POST", "storage/recycleBin/folders/{folderId}/restore", (sp, r) => Api<RecycleBinApi>(sp).RestoreFolderAsync(r), OfFolder);
    public static readonly ApiRoute DeleteRecycledFolder = new(nameof(DeleteRecycledFolder), "DELETE", "storage/recycleBin/folders/{folderId}", (sp, r) => Api<RecycleBinApi>(sp).DeleteFolderAsync(r), OfFolder);
    public static readonly ApiRoute GetFolderItems = new(nameof(GetFolderItems), "GET", "storage/folders/{folderId}/list", (sp, r) => Api<StorageFoldersApi>(sp).ListItemsAsync(r), OfFolder, Answer: typeof(ItemsAnswer));
    public static readonly ApiRoute UpdateFile = new(nameof(UpdateFile), "PATCH", "storage/files/{fileId}", (sp, r) => Api<StorageFilesApi>(sp).UpdateAsync(r), OfFile, Answer: typeof(FileAnswer), Body: ApiBody.Of<UpdateStorageItemRequest>());
    public static readonly ApiRoute CompleteFileUpload = new(nameof(CompleteFileUpload), "POST", "storage/files/{fileId}/complete", (sp, r) => Api<StorageFilesApi>(sp).CompleteAsync(r), OfFile, Answer: typeof(FileAnswer));
    public static readonly ApiRoute UpdateFileContent = new(nameof(UpdateFileContent), "POST", "storage/files/{fileId}/updateContent", (sp, r) => Api<StorageFilesApi>(sp).UpdateContentLinksAsync(r), OfFile, Answer: typeof(UploadLinksAnswer));
    public static readonly ApiRoute DownloadFileLink = new(nameof(DownloadFileLink), "GET", "storage/files/{fileId}/download", (sp, r) => Api<StorageFilesApi>(sp).DownloadLinkAsync(r), OfFile);

    public static readonly ApiRoute GetConnections = new(nameof(GetConnections), "GET", "synchronization/imodels/connections", (sp, r) => Api<ConnectionsApi>(sp).ListAllKindsAsync(r), ITwinLocator.IModel(IdSource.Query, "imodelId"), Answer: typeof(ConnectionsAnswer), RepresentationAnswer: typeof(ConnectionsRepresentationAnswer));

    public static readonly ApiRoute GetAuthorizationInformation = new(nameof(GetAuthorizationInformation), "GET", "synchronization/imodels/connections/authorizationInformation", (sp, r) => Api<AuthorizationApi>(sp).GetInformationAsync(r), Scope: null, Answer: typeof(AuthorizationInformationAnswer));
    public static readonly ApiRoute CompleteAuthorization = new(nameof(CompleteAuthorization), "GET", "synchronization/authorization/callback", (sp, r) => Api<AuthorizationApi>(sp).CallbackAsync(r), Scope: null, AllowAnonymous: true);

    public static readonly ApiRoute CreateStorageConnection = new(nameof(CreateStorageConnection), "POST", Storage, (sp, r) => Api<StorageConnectionsApi>(sp).CreateAsync(r), ITwinLocator.IModelInBody("iModelId", ErrorCodes.InvalidStorageConnectionRequest), Answer: typeof(ConnectionAnswer), Body: ApiBody.Of<CreateStorageConnectionRequest>());
    public static readonly ApiRoute GetStorageConnections = new(nameof(GetStorageConnections), "GET", Storage, (sp, r) => Api<StorageConnectionsApi>(sp).ListAsync(r), ITwinLocator.IModel(IdSource.Query, "iModelId"), Answer: typeof(ConnectionsAnswer), RepresentationAnswer: typeof(ConnectionsRepresentationAnswer));
    public static readonly ApiRoute GetStorageConnection = new(nameof(GetStorageConnection), "GET", Storage + "/{connectionId}", (sp, r) => Api<StorageConnectionsApi>(sp).GetAsync(r), OfConnection, Answer: typeof(ConnectionAnswer));
    public static readonly ApiRoute UpdateStorageConnection = new(nameof(UpdateStorageConnection), "PUT", Storage + "/{connectionId}", (sp, r) => Api<StorageConnectionsApi>(sp).UpdateAsync(r), OfConnection, Answer: typeof(ConnectionAnswer), Body: ApiBody.Of<UpdateConnectionRequest>());
    public static readonly ApiRoute DeleteStorageConnection = new(nameof(DeleteStorageConnection), "DELETE", Storage + "/{connectionId}", (sp, r) => Api<StorageConnectionsApi>(sp).DeleteAsync(r), OfConnection);
    public static readonly ApiRoute RunStorageConnection = new(nameof(RunStorageConnection), "POST", Storage + "/{connectionId}/run", (sp, r) => Api<RunsApi>(sp).StartStorageRunAsync(r), OfConnection);
    public static readonly ApiRoute GetStorageConnectionRuns = new(nameof(GetStorageConnectionRuns), "GET", Storage + "/{connectionId}/runs", (sp, r) => Api<RunsApi>(sp).ListAsync(r, ConnectionKind.Storage), OfConnection, Answer: typeof(RunsAnswer), RepresentationAnswer: typeof(RunsRepresentationAnswer));
    public static readonly ApiRoute GetStorageConnectionRun = new(nameof(GetStorageConnectionRun), "GET", Storage + "/{connectionId}/runs/{runId}", (sp, r) => Api<RunsApi>(sp).GetAsync(r, ConnectionKind.Storage), OfConnection, Answer: typeof(RunAnswer));
    public static readonly ApiRoute CancelStorageConnectionRun = new(nameof(CancelStorageConnectionRun), "POST", Storage + "/{connectionId}/runs/{runId}/cancel", (sp, r) => Api<RunsApi>(sp).CancelAsync(r, ConnectionKind.Storage), OfConnection);
    public static readonly ApiRoute AddStorageConnectionSourceFile = new(nameof(AddStorageConnectionSourceFile), "POST", Storage + "/{connectionId}/sourcefiles", (sp, r) => Api<StorageConnectionsApi>(sp).AddSourceFileAsync(r), OfConnection, Answer: typeof(StorageSourceFileAnswer), Body: ApiBody.Of<StorageSourceFileRequest>());
    public static readonly ApiRoute GetStorageConnectionSourceFiles = new(nameof(GetStorageConnectionSourceFiles), "GET", Storage + "/{connectionId}/sourcefiles", (sp, r) => Api<StorageConnectionsApi>(sp).ListSourceFilesAsync(r), OfConnection, Answer: typeof(StorageSourceFilesAnswer));
    public static readonly ApiRoute GetStorageConnectionSourceFile = new(nameof(GetStorageConnectionSourceFile), "GET", Storage + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<StorageConnectionsApi>(sp).GetSourceFileAsync(r), OfConnection, Answer: typeof(StorageSourceFileAnswer));
    public static readonly ApiRoute UpdateStorageConnectionSourceFile = new(nameof(UpdateStorageConnectionSourceFile), "PUT", Storage + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<StorageConnectionsApi>(sp).UpdateSourceFileAsync(r), OfConnection, Answer: typeof(StorageSourceFileAnswer), Body: ApiBody.Of<StorageSourceFileRequest>());
    public static readonly ApiRoute RemoveStorageConnectionSourceFile = new(nameof(RemoveStorageConnectionSourceFile), "DELETE", Storage + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<StorageConnectionsApi>(sp).RemoveSourceFileAsync(r), OfConnection);

    public static readonly ApiRoute CreateManifestConnection = new(nameof(CreateManifestConnection), "POST", Manifest, (sp, r) => Api<ManifestConnectionsApi>(sp).CreateAsync(r), ITwinLocator.IModelInBody("iModelId", ErrorCodes.InvalidManifestConnectionRequest), Answer: typeof(ConnectionAnswer), Body: ApiBody.Of<CreateManifestConnectionRequest>());
    public static readonly ApiRoute GetManifestConnections = new(nameof(GetManifestConnections), "GET", Manifest, (sp, r) => Api<ManifestConnectionsApi>(sp).ListAsync(r), ITwinLocator.IModel(IdSource.Query, "iModelId"), Answer: typeof(ConnectionsAnswer), RepresentationAnswer: typeof(ConnectionsRepresentationAnswer));
    public static readonly ApiRoute GetManifestConnection = new(nameof(GetManifestConnection), "GET", Manifest + "/{connectionId}", (sp, r) => Api<ManifestConnectionsApi>(sp).GetAsync(r), OfConnection, Answer: typeof(ConnectionAnswer));
    public static readonly ApiRoute UpdateManifestConnection = new(nameof(UpdateManifestConnection), "PUT", Manifest + "/{connectionId}", (sp, r) => Api<ManifestConnectionsApi>(sp).UpdateAsync(r), OfConnection, Answer: typeof(ConnectionAnswer), Body: ApiBody.Of<UpdateConnectionRequest>());
    public static readonly ApiRoute DeleteManifestConnection = new(nameof(DeleteManifestConnection), "DELETE", Manifest + "/{connectionId}", (sp, r) => Api<ManifestConnectionsApi>(sp).DeleteAsync(r), OfConnection);
    public static readonly ApiRoute RunManifestConnection = new(nameof(RunManifestConnection), "POST", Manifest + "/{connectionId}/runs", (sp, r) => Api<RunsApi>(sp).StartManifestRunAsync(r), OfConnection, Body: ApiBody.Of<ManifestRunRequest>());
    public static readonly ApiRoute GetManifestConnectionRuns = new(nameof(GetManifestConnectionRuns), "GET", Manifest + "/{connectionId}/runs", (sp, r) => Api<RunsApi>(sp).ListAsync(r, ConnectionKind.Manifest), OfConnection, Answer: typeof(RunsAnswer), RepresentationAnswer: typeof(RunsRepresentationAnswer));
    public static readonly ApiRoute GetManifestConnectionRun = new(nameof(GetManifestConnectionRun), "GET", Manifest + "/{connectionId}/runs/{runId}", (sp, r) => Api<RunsApi>(sp).GetAsync(r, ConnectionKind.Manifest), OfConnection, Answer: typeof(RunAnswer));
    public static readonly ApiRoute CancelManifestConnectionRun = new(nameof(CancelManifestConnectionRun), "POST", Manifest + "/{connectionId}/runs/{runId}/cancel", (sp, r) => Api<RunsApi>(sp).CancelAsync(r, ConnectionKind.Manifest), OfConnection);
    public static readonly ApiRoute AddManifestConnectionSourceFile = new(nameof(AddManifestConnectionSourceFile), "POST", Manifest + "/{connectionId}/sourcefiles", (sp, r) => Api<ManifestConnectionsApi>(sp).AddSourceFileAsync(r), OfConnection, Answer: typeof(ManifestSourceFileAnswer), Body: ApiBody.Of<ManifestSourceFileRequest>());
    public static readonly ApiRoute GetManifestConnectionSourceFiles = new(nameof(GetManifestConnectionSourceFiles), "GET", Manifest + "/{connectionId}/sourcefiles", (sp, r) => Api<ManifestConnectionsApi>(sp).ListSourceFilesAsync(r), OfConnection, Answer: typeof(ManifestSourceFilesAnswer));
    public static readonly ApiRoute GetManifestConnectionSourceFile = new(nameof(GetManifestConnectionSourceFile), "GET", Manifest + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<ManifestConnectionsApi>(sp).GetSourceFileAsync(r), OfConnection, Answer: typeof(ManifestSourceFileAnswer));
    public static readonly ApiRoute UpdateManifestConnectionSourceFile = new(nameof(UpdateManifestConnectionSourceFile), "PUT", Manifest + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<ManifestConnectionsApi>(sp).UpdateSourceFileAsync(r), OfConnection, Answer: typeof(ManifestSourceFileAnswer), Body: ApiBody.Of<ManifestSourceFileRequest>());
    public static readonly ApiRoute RemoveManifestConnectionSourceFile = new(nameof(RemoveManifestConnectionSourceFile), "DELETE", Manifest + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<ManifestConnectionsApi>(sp).RemoveSourceFileAsync(r), OfConnection);

    public static readonly ApiRoute GetITwinConfiguration = new(nameof(GetITwinConfiguration), "GET", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Get"), OfITwin, Answer: typeof(ConfigurationAnswer));
    public static readonly ApiRoute CreateITwinConfiguration = new(nameof(CreateITwinConfiguration), "POST", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Create"), OfITwin, Answer: typeof(ConfigurationAnswer), Body: new ApiBody.SettingsOf(ConfigurationLevel.ITwin));
    public static readonly ApiRoute PatchITwinConfiguration = new(nameof(PatchITwinConfiguration), "PATCH", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Patch"), OfITwin, Answer: typeof(ConfigurationAnswer), Body: new ApiBody.SettingsOf(ConfigurationLevel.ITwin));
    public static readonly ApiRoute DeleteITwinConfiguration = new(nameof(DeleteITwinConfiguration), "DELETE", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Delete"), OfITwin);
    public static readonly ApiRoute GetIModelConfiguration = new(nameof(GetIModelConfiguration), "GET", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Get"), OfIModel, Answer: typeof(ConfigurationAnswer));
    public static readonly ApiRoute CreateIModelConfiguration = new(nameof(CreateIModelConfiguration), "POST", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Create"), OfIModel, Answer: typeof(ConfigurationAnswer), Body: new ApiBody.SettingsOf(ConfigurationLevel.IModel));
    public static readonly ApiRoute PatchIModelConfiguration = new(nameof(PatchIModelConfiguration), "PATCH", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Patch"), OfIModel, Answer: typeof(ConfigurationAnswer), Body: new ApiBody.SettingsOf(ConfigurationLevel.IModel));
    public static readonly ApiRoute DeleteIModelConfiguration = new(nameof(DeleteIModelConfiguration), "DELETE", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Delete"), OfIModel);
    public static readonly ApiRoute GetConnectionConfiguration = new(nameof(GetConnectionConfiguration), "GET", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Get"), OfConnection, Answer: typeof(ConfigurationAnswer));
    public static readonly ApiRoute CreateConnectionConfiguration = new(nameof(CreateConnectionConfiguration), "POST", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Create"), OfConnection, Answer: typeof(ConfigurationAnswer), Body: new ApiBody.SettingsOf(ConfigurationLevel.Connection));
    public static readonly ApiRoute PatchConnectionConfiguration = new(nameof(PatchConnectionConfiguration), "PATCH", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Patch"), OfConnection, Answer: typeof(ConfigurationAnswer), Body: new ApiBody.SettingsOf(ConfigurationLevel.Connection));
    public static readonly ApiRoute DeleteConnectionConfiguration = new(nameof(DeleteConnectionConfiguration), "DELETE", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Delete"), OfConnection);

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        Health, Preflight, GetOpenApiDocument,
        CreateITwin, GetITwins, GetITwin, GetITwinMembers, AddITwinMember, UpdateITwinMember, RemoveITwinMember,
        CreateIModel, GetIModels, GetIModel, DeleteIModel,
        GetChangesets, GetChangeset, DownloadChangeset, GetElements, GetElement, GetElementRelationships, GetChangedElements, GetSchema,
        UploadFile, GetFile, DownloadFile, ReplaceFileContent, DeleteFile,
        GetStorageTopLevel, GetFolder, GetFolderFolders, CreateFolder, GetFolderFiles, CreateFolderFile, GetFolderItems,
        UpdateFolder, DeleteFolder, SearchFolder, GetRecycleBin, RestoreRecycledFile, DeleteRecycledFile, RestoreRecycledFolder, DeleteRecycledFolder,
        UpdateFile, CompleteFileUpload, UpdateFileContent, DownloadFileLink,
        GetConnections, GetAuthorizationInformation, CompleteAuthorization,
        CreateStorageConnection, GetStorageConnections, GetStorageConnection, UpdateStorageConnection, DeleteStorageConnection,
        RunStorageConnection, GetStorageConnectionRuns, GetStorageConnectionRun, CancelStorageConnectionRun,
        AddStorageConnectionSourceFile, GetStorageConnectionSourceFiles, GetStorageConnectionSourceFile, UpdateStorageConnectionSourceFile, RemoveStorageConnectionSourceFile,
        CreateManifestConnection, GetManifestConnections, GetManifestConnection, UpdateManifestConnection, DeleteManifestConnection,
        RunManifestConnection, GetManifestConnectionRuns, GetManifestConnectionRun, CancelManifestConnectionRun,
        GetITwinConfiguration, CreateITwinConfiguration, PatchITwinConfiguration, DeleteITwinConfiguration,
        GetIModelConfiguration, CreateIModelConfiguration, PatchIModelConfiguration, DeleteIModelConfiguration,
        GetConnectionConfiguration, CreateConnectionConfiguration, PatchConnectionConfiguration, DeleteConnectionConfiguration,
        AddManifestConnectionSourceFile, GetManifestConnectionSourceFiles, GetManifestConnectionSourceFile, UpdateManifestConnectionSourceFile, RemoveManifestConnectionSourceFile,
    ];

    private static ApiResult OpenApiDocumentResult(IServiceProvider services)
    {
        var auth = services.GetRequiredService<AuthOptions>();
        string json = OpenApiDescription.Json(auth.ReadScope, auth.WriteScope);
        return ApiResult.Stream(System.Net.HttpStatusCode.OK, response =>
        {
            response.ContentType = "application/json; charset=utf-8";
            return response.WriteAsync(json);
        });
    }

    private static T Api<T>(IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();
}
