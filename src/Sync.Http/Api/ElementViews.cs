using System.Text.Json;
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

/// <summary>
/// An element as the index stores it: its canonical JSON has exactly <see cref="ElementView"/>'s fields, in its order
/// and with the API's escaping, so it is written through with the id before it and the checksum after it — the bytes
/// an <see cref="ElementView"/> would give, without parsing the properties into a tree and writing them again.
/// <see cref="ElementView"/> stays what the OpenAPI document describes.
/// </summary>
[JsonConverter(typeof(StoredElementConverter))]
public sealed record StoredElement(string Id, string Json, string Checksum);

public sealed record StoredElementAnswer(StoredElement Element);

public sealed record StoredElementsAnswer(IReadOnlyList<StoredElement> Elements, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed class StoredElementConverter : JsonConverter<StoredElement>
{
    public override StoredElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Stored elements are only written.");

    public override void Write(Utf8JsonWriter writer, StoredElement value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        // The id and checksum are hexadecimal: nothing in them needs escaping.
        writer.WriteRawValue(string.Concat($"{{\"id\":\"{value.Id}\",", value.Json.AsSpan(1, value.Json.Length - 2), $",\"checksum\":\"{value.Checksum}\"}}"), skipInputValidation: true);
    }
}

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
