using Microsoft.Extensions.DependencyInjection;
using Sync.Engine.Catalog;
using Sync.Engine.Model;
using Sync.Http.Api;
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

    public static readonly ApiRoute Health = new(nameof(Health), "GET", "health", (sp, r) => sp.GetRequiredService<HealthApi>().GetAsync(r), AllowAnonymous: true);

    public static readonly ApiRoute CreateIModel = new(nameof(CreateIModel), "POST", "imodels", (sp, r) => Api<IModelsApi>(sp).CreateAsync(r));
    public static readonly ApiRoute GetIModels = new(nameof(GetIModels), "GET", "imodels", (sp, r) => Api<IModelsApi>(sp).ListAsync(r));
    public static readonly ApiRoute GetIModel = new(nameof(GetIModel), "GET", "imodels/{imodelId}", (sp, r) => Api<IModelsApi>(sp).GetAsync(r));
    public static readonly ApiRoute DeleteIModel = new(nameof(DeleteIModel), "DELETE", "imodels/{imodelId}", (sp, r) => Api<IModelsApi>(sp).DeleteAsync(r));

    public static readonly ApiRoute GetChangesets = new(nameof(GetChangesets), "GET", "imodels/{imodelId}/changesets", (sp, r) => Api<ChangesetsApi>(sp).ListAsync(r));
    public static readonly ApiRoute GetChangeset = new(nameof(GetChangeset), "GET", "imodels/{imodelId}/changesets/{changesetId}", (sp, r) => Api<ChangesetsApi>(sp).GetAsync(r));
    public static readonly ApiRoute DownloadChangeset = new(nameof(DownloadChangeset), "GET", "imodels/{imodelId}/changesets/{changesetId}/download", (sp, r) => Api<ChangesetsApi>(sp).DownloadAsync(r));
    public static readonly ApiRoute GetElements = new(nameof(GetElements), "GET", "imodels/{imodelId}/elements", (sp, r) => Api<ElementsApi>(sp).ListAsync(r));
    public static readonly ApiRoute GetElement = new(nameof(GetElement), "GET", "imodels/{imodelId}/elements/{elementId}", (sp, r) => Api<ElementsApi>(sp).GetAsync(r));
    public static readonly ApiRoute GetElementRelationships = new(nameof(GetElementRelationships), "GET", "imodels/{imodelId}/elements/{elementId}/relationships", (sp, r) => Api<ElementsApi>(sp).RelationshipsAsync(r));
    public static readonly ApiRoute GetChangedElements = new(nameof(GetChangedElements), "GET", "imodels/{imodelId}/changedElements", (sp, r) => Api<ElementsApi>(sp).ChangedElementsAsync(r));
    public static readonly ApiRoute GetSchema = new(nameof(GetSchema), "GET", "imodels/{imodelId}/schema", (sp, r) => Api<ElementsApi>(sp).SchemaAsync(r));

    public static readonly ApiRoute UploadFile = new(nameof(UploadFile), "POST", "storage/files", (sp, r) => Api<StorageFilesApi>(sp).UploadAsync(r));
    public static readonly ApiRoute GetFile = new(nameof(GetFile), "GET", "storage/files/{fileId}", (sp, r) => Api<StorageFilesApi>(sp).GetAsync(r));
    public static readonly ApiRoute DownloadFile = new(nameof(DownloadFile), "GET", "storage/files/{fileId}/content", (sp, r) => Api<StorageFilesApi>(sp).DownloadAsync(r));
    public static readonly ApiRoute ReplaceFileContent = new(nameof(ReplaceFileContent), "PUT", "storage/files/{fileId}/content", (sp, r) => Api<StorageFilesApi>(sp).ReplaceContentAsync(r));
    public static readonly ApiRoute DeleteFile = new(nameof(DeleteFile), "DELETE", "storage/files/{fileId}", (sp, r) => Api<StorageFilesApi>(sp).DeleteAsync(r));

    public static readonly ApiRoute GetConnections = new(nameof(GetConnections), "GET", "synchronization/imodels/connections", (sp, r) => Api<ConnectionsApi>(sp).ListAllKindsAsync(r));

    public static readonly ApiRoute CreateStorageConnection = new(nameof(CreateStorageConnection), "POST", Storage, (sp, r) => Api<StorageConnectionsApi>(sp).CreateAsync(r));
    public static readonly ApiRoute GetStorageConnections = new(nameof(GetStorageConnections), "GET", Storage, (sp, r) => Api<StorageConnectionsApi>(sp).ListAsync(r));
    public static readonly ApiRoute GetStorageConnection = new(nameof(GetStorageConnection), "GET", Storage + "/{connectionId}", (sp, r) => Api<StorageConnectionsApi>(sp).GetAsync(r));
    public static readonly ApiRoute UpdateStorageConnection = new(nameof(UpdateStorageConnection), "PUT", Storage + "/{connectionId}", (sp, r) => Api<StorageConnectionsApi>(sp).UpdateAsync(r));
    public static readonly ApiRoute DeleteStorageConnection = new(nameof(DeleteStorageConnection), "DELETE", Storage + "/{connectionId}", (sp, r) => Api<StorageConnectionsApi>(sp).DeleteAsync(r));
    public static readonly ApiRoute RunStorageConnection = new(nameof(RunStorageConnection), "POST", Storage + "/{connectionId}/run", (sp, r) => Api<RunsApi>(sp).StartStorageRunAsync(r));
    public static readonly ApiRoute GetStorageConnectionRuns = new(nameof(GetStorageConnectionRuns), "GET", Storage + "/{connectionId}/runs", (sp, r) => Api<RunsApi>(sp).ListAsync(r, ConnectionKind.Storage));
    public static readonly ApiRoute GetStorageConnectionRun = new(nameof(GetStorageConnectionRun), "GET", Storage + "/{connectionId}/runs/{runId}", (sp, r) => Api<RunsApi>(sp).GetAsync(r, ConnectionKind.Storage));
    public static readonly ApiRoute CancelStorageConnectionRun = new(nameof(CancelStorageConnectionRun), "POST", Storage + "/{connectionId}/runs/{runId}/cancel", (sp, r) => Api<RunsApi>(sp).CancelAsync(r, ConnectionKind.Storage));
    public static readonly ApiRoute AddStorageConnectionSourceFile = new(nameof(AddStorageConnectionSourceFile), "POST", Storage + "/{connectionId}/sourcefiles", (sp, r) => Api<StorageConnectionsApi>(sp).AddSourceFileAsync(r));
    public static readonly ApiRoute GetStorageConnectionSourceFiles = new(nameof(GetStorageConnectionSourceFiles), "GET", Storage + "/{connectionId}/sourcefiles", (sp, r) => Api<StorageConnectionsApi>(sp).ListSourceFilesAsync(r));
    public static readonly ApiRoute GetStorageConnectionSourceFile = new(nameof(GetStorageConnectionSourceFile), "GET", Storage + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<StorageConnectionsApi>(sp).GetSourceFileAsync(r));
    public static readonly ApiRoute UpdateStorageConnectionSourceFile = new(nameof(UpdateStorageConnectionSourceFile), "PUT", Storage + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<StorageConnectionsApi>(sp).UpdateSourceFileAsync(r));
    public static readonly ApiRoute RemoveStorageConnectionSourceFile = new(nameof(RemoveStorageConnectionSourceFile), "DELETE", Storage + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<StorageConnectionsApi>(sp).RemoveSourceFileAsync(r));

    public static readonly ApiRoute CreateManifestConnection = new(nameof(CreateManifestConnection), "POST", Manifest, (sp, r) => Api<ManifestConnectionsApi>(sp).CreateAsync(r));
    public static readonly ApiRoute GetManifestConnections = new(nameof(GetManifestConnections), "GET", Manifest, (sp, r) => Api<ManifestConnectionsApi>(sp).ListAsync(r));
    public static readonly ApiRoute GetManifestConnection = new(nameof(GetManifestConnection), "GET", Manifest + "/{connectionId}", (sp, r) => Api<ManifestConnectionsApi>(sp).GetAsync(r));
    public static readonly ApiRoute UpdateManifestConnection = new(nameof(UpdateManifestConnection), "PUT", Manifest + "/{connectionId}", (sp, r) => Api<ManifestConnectionsApi>(sp).UpdateAsync(r));
    public static readonly ApiRoute DeleteManifestConnection = new(nameof(DeleteManifestConnection), "DELETE", Manifest + "/{connectionId}", (sp, r) => Api<ManifestConnectionsApi>(sp).DeleteAsync(r));
    public static readonly ApiRoute RunManifestConnection = new(nameof(RunManifestConnection), "POST", Manifest + "/{connectionId}/runs", (sp, r) => Api<RunsApi>(sp).StartManifestRunAsync(r));
    public static readonly ApiRoute GetManifestConnectionRuns = new(nameof(GetManifestConnectionRuns), "GET", Manifest + "/{connectionId}/runs", (sp, r) => Api<RunsApi>(sp).ListAsync(r, ConnectionKind.Manifest));
    public static readonly ApiRoute GetManifestConnectionRun = new(nameof(GetManifestConnectionRun), "GET", Manifest + "/{connectionId}/runs/{runId}", (sp, r) => Api<RunsApi>(sp).GetAsync(r, ConnectionKind.Manifest));
    public static readonly ApiRoute CancelManifestConnectionRun = new(nameof(CancelManifestConnectionRun), "POST", Manifest + "/{connectionId}/runs/{runId}/cancel", (sp, r) => Api<RunsApi>(sp).CancelAsync(r, ConnectionKind.Manifest));
    public static readonly ApiRoute AddManifestConnectionSourceFile = new(nameof(AddManifestConnectionSourceFile), "POST", Manifest + "/{connectionId}/sourcefiles", (sp, r) => Api<ManifestConnectionsApi>(sp).AddSourceFileAsync(r));
    public static readonly ApiRoute GetManifestConnectionSourceFiles = new(nameof(GetManifestConnectionSourceFiles), "GET", Manifest + "/{connectionId}/sourcefiles", (sp, r) => Api<ManifestConnectionsApi>(sp).ListSourceFilesAsync(r));
    public static readonly ApiRoute GetManifestConnectionSourceFile = new(nameof(GetManifestConnectionSourceFile), "GET", Manifest + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<ManifestConnectionsApi>(sp).GetSourceFileAsync(r));
    public static readonly ApiRoute UpdateManifestConnectionSourceFile = new(nameof(UpdateManifestConnectionSourceFile), "PUT", Manifest + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<ManifestConnectionsApi>(sp).UpdateSourceFileAsync(r));
    public static readonly ApiRoute RemoveManifestConnectionSourceFile = new(nameof(RemoveManifestConnectionSourceFile), "DELETE", Manifest + "/{connectionId}/sourcefiles/{sourceFileId}", (sp, r) => Api<ManifestConnectionsApi>(sp).RemoveSourceFileAsync(r));

    public static readonly ApiRoute GetITwinConfiguration = new(nameof(GetITwinConfiguration), "GET", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Get"));
    public static readonly ApiRoute CreateITwinConfiguration = new(nameof(CreateITwinConfiguration), "POST", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Create"));
    public static readonly ApiRoute PatchITwinConfiguration = new(nameof(PatchITwinConfiguration), "PATCH", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Patch"));
    public static readonly ApiRoute DeleteITwinConfiguration = new(nameof(DeleteITwinConfiguration), "DELETE", "synchronization/configurations/itwins/{itwinId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.ITwin, "Delete"));
    public static readonly ApiRoute GetIModelConfiguration = new(nameof(GetIModelConfiguration), "GET", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Get"));
    public static readonly ApiRoute CreateIModelConfiguration = new(nameof(CreateIModelConfiguration), "POST", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Create"));
    public static readonly ApiRoute PatchIModelConfiguration = new(nameof(PatchIModelConfiguration), "PATCH", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Patch"));
    public static readonly ApiRoute DeleteIModelConfiguration = new(nameof(DeleteIModelConfiguration), "DELETE", "synchronization/configurations/imodels/{imodelId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.IModel, "Delete"));
    public static readonly ApiRoute GetConnectionConfiguration = new(nameof(GetConnectionConfiguration), "GET", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Get"));
    public static readonly ApiRoute CreateConnectionConfiguration = new(nameof(CreateConnectionConfiguration), "POST", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Create"));
    public static readonly ApiRoute PatchConnectionConfiguration = new(nameof(PatchConnectionConfiguration), "PATCH", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Patch"));
    public static readonly ApiRoute DeleteConnectionConfiguration = new(nameof(DeleteConnectionConfiguration), "DELETE", "synchronization/configurations/connections/{connectionId}", (sp, r) => Api<ConfigurationsApi>(sp).HandleAsync(r, ConfigurationLevel.Connection, "Delete"));

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        Health,
        CreateIModel, GetIModels, GetIModel, DeleteIModel,
        GetChangesets, GetChangeset, DownloadChangeset, GetElements, GetElement, GetElementRelationships, GetChangedElements, GetSchema,
        UploadFile, GetFile, DownloadFile, ReplaceFileContent, DeleteFile,
        GetConnections,
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

    private static T Api<T>(IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();
}
