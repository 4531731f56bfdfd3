using System.Text.Json.Serialization;
using Sync.Engine.Model;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>A storage or manifest connection.</summary>
public sealed record ConnectionView(
    string Id,
    string? DisplayName,
    Guid IModelId,
    Guid ITwinId,
    AuthenticationType AuthenticationType,
    [property: JsonPropertyName("_links")] ConnectionLinks Links);

public sealed record ConnectionLinks([property: JsonPropertyName("iModel")] Link IModel, [property: JsonPropertyName("iTwin")] Link ITwin, Link? LastRun);

/// <summary>A connection in a list without <c>Prefer: return=representation</c>.</summary>
public sealed record ConnectionSummary(string Id, string? DisplayName);

public sealed record ConnectionAnswer(ConnectionView Connection);

public sealed record ConnectionsAnswer(IReadOnlyList<ConnectionSummary> Connections, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record ConnectionsRepresentationAnswer(IReadOnlyList<ConnectionView> Connections, [property: JsonPropertyName("_links")] PageLinks Links);

/// <summary>A storage connection's source file: a file of the iTwin's storage and its connector (absent in short lists).</summary>
public sealed record StorageSourceFileView(
    Guid Id,
    string StorageFileId,
    string? ConnectorType,
    string? LastKnownFileName,
    bool IsSpatialRoot,
    [property: JsonPropertyName("_links")] SourceFileLinks Links);

/// <summary>A manifest connection's source file: the caller's own document id.</summary>
public sealed record ManifestSourceFileView(Guid Id, string SourceFileId, bool IsSpatialRoot, [property: JsonPropertyName("_links")] SourceFileLinks Links);

public sealed record SourceFileLinks(Link File);

public sealed record StorageSourceFileAnswer(StorageSourceFileView SourceFile);

public sealed record StorageSourceFilesAnswer(IReadOnlyList<StorageSourceFileView> SourceFiles, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record ManifestSourceFileAnswer(ManifestSourceFileView SourceFile);

public sealed record ManifestSourceFilesAnswer(IReadOnlyList<ManifestSourceFileView> SourceFiles, [property: JsonPropertyName("_links")] PageLinks Links);
