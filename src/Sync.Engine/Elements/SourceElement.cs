namespace Sync.Engine.Elements;

/// <summary>
/// One element as a connector reads it from a source file. <see cref="Identifier"/> is stable inside the file
/// (IFC GlobalId, DXF handle, row key, ...); property values are <see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/> or <see cref="bool"/>.
/// </summary>
public sealed record SourceElement(
    string Identifier,
    string ClassName,
    IReadOnlyList<KeyValuePair<string, object>> Properties,
    string? UserLabel = null,
    string? ParentIdentifier = null,
    Placement? Placement = null,
    BoundingBox? BoundingBox = null);

public sealed record Placement(double X, double Y, double Z);

public sealed record BoundingBox(double LowX, double LowY, double LowZ, double HighX, double HighY, double HighZ);
