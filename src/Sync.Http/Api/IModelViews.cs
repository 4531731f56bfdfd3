using System.Text.Json.Serialization;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>An iModel; its georeference and extents as of its last commit, each absent until there is one.</summary>
public sealed record IModelView(
    Guid Id,
    string DisplayName,
    string Name,
    string? Description,
    Guid ITwinId,
    string CreatedDateTime,
    GeographicCoordinateSystemView? GeographicCoordinateSystem,
    PointView? GlobalOrigin,
    ExtentsView? Extents,
    [property: JsonPropertyName("_links")] IModelLinks Links);

public sealed record GeographicCoordinateSystemView(string Crs, string? Definition, string? Source, string? SpatialRootSourceFileId);

public sealed record PointView(double X, double Y, double Z);

public sealed record ExtentsView(double[] Low, double[] High);

public sealed record IModelLinks(Link Self, Link Connections);

public sealed record IModelAnswer(IModelView IModel);

/// <summary>An iModel in a list without <c>Prefer: return=representation</c>.</summary>
public sealed record IModelSummary(Guid Id, string DisplayName);

public sealed record IModelsAnswer([property: JsonPropertyName("iModels")] IReadOnlyList<IModelSummary> IModels, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record IModelsRepresentationAnswer([property: JsonPropertyName("iModels")] IReadOnlyList<IModelView> IModels, [property: JsonPropertyName("_links")] PageLinks Links);
