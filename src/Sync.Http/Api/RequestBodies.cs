using System.ComponentModel;
using Sync.Engine.Model;

namespace Sync.Http.Api;

// The JSON bodies operations accept, as the OpenAPI document describes them (ApiRoute.Body). Handlers read bodies
// field by field (JsonBody) so that every problem is reported in one answer; the LocalHost tests hold each request
// that succeeded to these schemas, so the two cannot drift apart. Nullable means optional. Examples: ApiExamples.

public sealed record CreateITwinRequest(string DisplayName);

public sealed record AddMemberRequest(string UserId, [property: Description("Reader, Member or Owner.")] string Role);

public sealed record UpdateMemberRequest([property: Description("Reader, Member or Owner.")] string Role);

public sealed record CreateIModelRequest(Guid ITwinId, string Name, string? Description);

/// <summary>Create a folder or a file (Storage API): a name without path separators, and a description.</summary>
public sealed record CreateStorageItemRequest(string DisplayName, string? Description);

/// <summary>Rename or describe a folder or a file; absent properties stay as they are.</summary>
public sealed record UpdateStorageItemRequest(string? DisplayName, string? Description);

public sealed record CreateStorageConnectionRequest(
    Guid IModelId,
    string? DisplayName,
    [property: Description("User (default) or Service.")] AuthenticationType? AuthenticationType,
    IReadOnlyList<StorageSourceFileRequest> SourceFiles);

public sealed record CreateManifestConnectionRequest(
    Guid IModelId,
    string? DisplayName,
    [property: Description("User (default) or Service.")] AuthenticationType? AuthenticationType,
    IReadOnlyList<ManifestSourceFileRequest> SourceFiles);

/// <summary>Rename a connection or change how it authenticates; its iModel cannot change.</summary>
public sealed record UpdateConnectionRequest(string? DisplayName, AuthenticationType? AuthenticationType, Guid? IModelId);

public sealed record StorageSourceFileRequest(
    string StorageFileId,
    [property: Description("A connector type, such as PSEXCEL, IFC, DWG, GEOSPATIAL or MSTN.")] string ConnectorType,
    bool? IsSpatialRoot);

public sealed record ManifestSourceFileRequest(string SourceFileId, bool? IsSpatialRoot);

/// <summary>A manifest run (spec §2.6): the files to synchronize from pre-authenticated URLs, or to unmap.</summary>
public sealed record ManifestRunRequest(IReadOnlyList<ManifestRunFile> SourceFiles);

public sealed record ManifestRunFile(
    string Id,
    [property: Description("bridge (default) or unmap.")] string? Action,
    string? Name,
    string? Url,
    string? Connector,
    string? ConnectorType,
    IReadOnlyList<ManifestRunChild>? Children,
    ManifestDocumentClass? DocumentAttribute,
    [property: Description("Older form of documentAttribute: properties of class Manifest:DocumentMetadata.")] IReadOnlyDictionary<string, object?>? DocumentMetadata);

/// <summary>A file the master file references (such as a shapefile's .dbf), downloaded beside it.</summary>
public sealed record ManifestRunChild(string Id, string Name, string Url, string? ParentId, string? Connector, string? ConnectorType);

public sealed record ManifestDocumentClass([property: Description("Schema:Class")] string ClassName, IReadOnlyDictionary<string, object?>? Properties);
