using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// An element as its last changeset left it: class, source file and identifier in it, properties, placement and box
/// in the iModel's coordinates, relationships (the parent first), and the checksum change detection compares.
/// </summary>
public sealed record ElementView(
    string Id,
    string ClassFullName,
    string SourceFileId,
    string Identifier,
    string? ParentId,
    string? UserLabel,
    JsonObject Properties,
    PointView? Placement,
    ExtentsView? Bbox,
    IReadOnlyList<RelationshipTarget>? Relationships,
    string Checksum);

/// <summary>A relationship as an element holds it: its type and the element it points to.</summary>
public sealed record RelationshipTarget(string Type, string TargetId);

/// <summary>A relationship in an element's relationship list: both ends.</summary>
public sealed record RelationshipView(string Type, string SourceId, string TargetId);

/// <summary>An element that changesets touched: <c>change</c> is Inserted, Updated (with the changed properties) or Deleted.</summary>
public sealed record ChangedElementView(string Id, string ClassFullName, string SourceFileId, string Change, IReadOnlyList<string> Properties);

public sealed record ElementAnswer(ElementView Element);

public sealed record ElementsAnswer(IReadOnlyList<ElementView> Elements, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record RelationshipsAnswer(IReadOnlyList<RelationshipView> Relationships, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record ChangedElementsAnswer(IReadOnlyList<ChangedElementView> ChangedElements, [property: JsonPropertyName("_links")] PageLinks Links);

/// <summary>Every class of the iModel with its properties' types.</summary>
public sealed record SchemaAnswer(SchemaView Schema);

public sealed record SchemaView(IReadOnlyList<SchemaClassView> Classes);

public sealed record SchemaClassView(string Name, IReadOnlyList<SchemaPropertyView> Properties);

public sealed record SchemaPropertyView(string Name, string Type);
