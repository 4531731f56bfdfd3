using System.ComponentModel;
using Sync.Engine.Model;

namespace Sync.Http.Api;

// The JSON bodies operations accept, as the OpenAPI document describes them (ApiRoute.Body). Handlers read bodies
// field by field (JsonBody) so that every problem is reported in one answer; the LocalHost tests hold each request
// that succeeded to these schemas, so the two cannot drift apart. Nullable means optional.

public sealed record CreateITwinRequest(string DisplayName)
{
    public static CreateITwinRequest Example => new("Harbour bridge");
}

public sealed record AddMemberRequest(string UserId, [property: Description("Reader, Member or Owner.")] string Role)
{
    public static AddMemberRequest Example => new("5f1e2b7c-2d4a-4c1e-9a55-0c7f1d2e3b4a", "Member");
}

public sealed record UpdateMemberRequest([property: Description("Reader, Member or Owner.")] string Role)
{
    public static UpdateMemberRequest Example => new("Reader");
}

public sealed record CreateIModelRequest(Guid ITwinId, string Name, string? Description)
{
    public static CreateIModelRequest Example => new(Guid.Parse("b1a2c3d4-0000-4000-8000-000000000001"), "Bridge model", "Design coordination");
}

/// <summary>Create a folder or a file (Storage API): a name without path separators, and a description.</summary>
public sealed record CreateStorageItemRequest(string DisplayName, string? Description)
{
    public static CreateStorageItemRequest Example => new("Deck.ifc", "Structural model");
}

/// <summary>Rename or describe a folder or a file; absent properties stay as they are.</summary>
public sealed record UpdateStorageItemRequest(string? DisplayName, string? Description)
{
    public static UpdateStorageItemRequest Example => new("Deck-rev2.ifc", null);
}

public sealed record CreateStorageConnectionRequest(
    Guid IModelId,
    string? DisplayName,
    [property: Description("User (default) or Service.")] AuthenticationType? AuthenticationType,
    IReadOnlyList<StorageSourceFileRequest> SourceFiles)
{
    public static CreateStorageConnectionRequest Example =>
        new(Guid.Parse("0c9e7b1a-5d3f-4e2a-8b6c-1f2e3d4c5b6a"), "Structure", Sync.Engine.Model.AuthenticationType.Service, [StorageSourceFileRequest.Example]);
}

public sealed record CreateManifestConnectionRequest(
    Guid IModelId,
    string? DisplayName,
    [property: Description("User (default) or Service.")] AuthenticationType? AuthenticationType,
    IReadOnlyList<ManifestSourceFileRequest> SourceFiles)
{
    public static CreateManifestConnectionRequest Example =>
        new(Guid.Parse("0c9e7b1a-5d3f-4e2a-8b6c-1f2e3d4c5b6a"), "Documents", Sync.Engine.Model.AuthenticationType.Service, [ManifestSourceFileRequest.Example]);
}

/// <summary>Rename a connection or change how it authenticates; its iModel cannot change.</summary>
public sealed record UpdateConnectionRequest(string? DisplayName, AuthenticationType? AuthenticationType, Guid? IModelId)
{
    public static UpdateConnectionRequest Example => new("Structure", Sync.Engine.Model.AuthenticationType.Service, null);
}

public sealed record StorageSourceFileRequest(
    string StorageFileId,
    [property: Description("A connector type, such as PSEXCEL, IFC, DWG, GEOSPATIAL or MSTN.")] string ConnectorType,
    bool? IsSpatialRoot)
{
    public static StorageSourceFileRequest Example => new("BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY", "IFC", null);
}

public sealed record ManifestSourceFileRequest(string SourceFileId, bool? IsSpatialRoot)
{
    public static ManifestSourceFileRequest Example => new("deck", null);
}

/// <summary>A manifest run (spec §2.6): the files to synchronize from pre-authenticated URLs, or to unmap.</summary>
public sealed record ManifestRunRequest(IReadOnlyList<ManifestRunFile> SourceFiles)
{
    public static ManifestRunRequest Example => new([new ManifestRunFile("deck", null, "Deck.ifc", "https://files.example.com/deck.ifc?sig=…", null, "IFC", null, null, null)]);
}

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
