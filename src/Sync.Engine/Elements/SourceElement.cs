namespace Sync.Engine.Elements;

/// <summary>
/// One element as a connector reads it from a source file. <see cref="Identifier"/> is stable inside the file
/// (IFC GlobalId, DXF handle, row key, ...); property values are <see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/> or <see cref="bool"/>. <see cref="ParentIdentifier"/> is the containment or aggregation
/// parent; <see cref="Relationships"/> are its other typed links to identifiers of the same file.
/// </summary>
public sealed record SourceElement(
    string Identifier,
    string ClassName,
    IReadOnlyList<KeyValuePair<string, object>> Properties,
    string? UserLabel = null,
    string? ParentIdentifier = null,
    Placement? Placement = null,
    BoundingBox? BoundingBox = null,
    IReadOnlyList<SourceRelationship>? Relationships = null);

/// <summary>A typed link from an element to another element of the same file, e.g. <c>type</c>, <c>material</c>, <c>group</c>.</summary>
public sealed record SourceRelationship(string Type, string TargetIdentifier);

/// <summary>A relationship with its target resolved to an element id.</summary>
public readonly record struct ResolvedRelationship(string Type, long TargetId)
{
    public const string Parent = "parent";

    /// <summary>The canonical order: by type, then target.</summary>
    public static int Compare(ResolvedRelationship x, ResolvedRelationship y)
    {
        int byType = string.CompareOrdinal(x.Type, y.Type);
        return byType != 0 ? byType : x.TargetId.CompareTo(y.TargetId);
    }
}

public sealed record Placement(double X, double Y, double Z);

public sealed record BoundingBox(double LowX, double LowY, double LowZ, double HighX, double HighY, double HighZ);
