using System.Globalization;
using NetTopologySuite.Geometries;
using Sync.Engine.Catalog;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;
using FeatureGeometry = NetTopologySuite.Geometries.Geometry;

namespace Sync.Engine.Connectors.Geospatial;

/// <summary>
/// One layer of features (a GeoJSON file, a shapefile, a GeoPackage table) turned into elements: class
/// GEOSPATIAL:&lt;layer&gt;, typed attributes, geometry type, length, area and extents in the layer's CRS, and the
/// layer itself as an element (name, CRS, feature count, extents) that every feature has as its parent.
/// </summary>
internal sealed class FeatureLayer
{
    /// <summary>Attribute names taken as a feature's stable id when the format gives none of its own, first match wins.</summary>
    private static readonly string[] IdAttributes = ["id", "fid", "objectid", "gid", "uuid", "globalid", "guid", "feature_id"];

    private readonly SourceContext _context;
    private readonly string _className;
    private readonly SortedSet<string> _geometryTypes = new(StringComparer.Ordinal);
    private readonly Envelope _extent = new();
    private long _count;
    private bool _idChosen;
    private string? _idAttribute;
    private long _withoutId;
    private bool _reprojectionChosen;
    private Reprojection? _reprojection;

    public FeatureLayer(string name, string? crs, string? crsDefinition, SourceContext context)
    {
        Name = name;
        Crs = crs;
        CrsDefinition = crsDefinition;
        _context = context;
        _className = "GEOSPATIAL:" + name;
        Identifier = "layer:" + name;
    }

    public string Name { get; }

    /// <summary>"EPSG:n" when the layer's CRS is known by code, else its name; null when the layer has none.</summary>
    public string? Crs { get; set; }

    public string? CrsDefinition { get; set; }

    public string Identifier { get; }

    /// <summary>The iModel's coordinate system the features were asked to be in (the setting), if any.</summary>
    private string? TargetCrs { get; set; }

    /// <summary>The system the features' coordinates are in: the target once reprojected, else the layer's own.</summary>
    private string? OutputCrs => _reprojection is not null ? TargetCrs : Crs;

    /// <summary>
    /// The element of one feature. <paramref name="nativeId"/> is the format's own feature id (GeoJSON "id", a
    /// GeoPackage primary key); without one, an id-like attribute chosen on the first feature; failing that the
    /// feature's position (<paramref name="fid"/>, 1-based), which a warning reports.
    /// </summary>
    /// <param name="parent">The feature's parent when not the layer (a KML folder).</param>
    public SourceElement Feature(object? nativeId, IReadOnlyList<KeyValuePair<string, object?>> attributes, FeatureGeometry? geometry, long fid, string? parent = null)
    {
        _count++;
        if (!_reprojectionChosen)
        {
            // The iModel's coordinate system, when configured, is every layer's target.
            _reprojectionChosen = true;
            if (_context.Settings.GetValueOrDefault(ConfigurationSettings.GeographicCoordinateSystem) is { Length: > 0 } target)
            {
                TargetCrs = target;
                _reprojection = Reprojection.Between(Crs, CrsDefinition, target, _context, $"layer '{Name}'");
            }
        }

        if (geometry is not null && _reprojection is not null)
        {
            geometry = _reprojection.Apply(geometry);
        }

        if (!_idChosen)
        {
            _idChosen = true;
            _idAttribute = nativeId is null ? attributes.Select(a => a.Key).FirstOrDefault(IsIdName) : null;
            if (nativeId is null)
            {
                _context.Warn(_idAttribute is null
                    ? $"Layer '{Name}': features have no id, so they are identified by position (FID); inserting or removing a feature changes the identity of those after it."
                    : $"Layer '{Name}': features are identified by their '{_idAttribute}' attribute.");
            }
        }

        object? id = nativeId ?? (_idAttribute is null ? null : attributes.FirstOrDefault(a => a.Key == _idAttribute).Value);
        string identifier;
        if (id is null || (id is string s && s.Length == 0))
        {
            if (nativeId is not null || _idAttribute is not null)
            {
                _withoutId++;
            }

            identifier = $"{Name}/fid:{fid.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            identifier = $"{Name}/{Convert.ToString(id, CultureInfo.InvariantCulture)}";
        }

        var properties = new List<KeyValuePair<string, object>>(attributes.Count + 4);
        foreach (var (name, value) in attributes)
        {
            if (Typed(value) is { } typed)
            {
                properties.Add(new(name, typed));
            }
        }

        BoundingBox? box = null;
        Placement? placement = null;
        if (geometry is { IsEmpty: false })
        {
            _geometryTypes.Add(geometry.GeometryType);
            properties.Add(new("GeometryType", geometry.GeometryType));
            if (geometry.Dimension != Dimension.Point)
            {
                properties.Add(new("Length", geometry.Length));
            }

            if (geometry.Dimension == Dimension.Surface)
            {
                properties.Add(new("Area", geometry.Area));
            }

            var envelope = geometry.EnvelopeInternal;
            _extent.ExpandToInclude(envelope);
            var (lowZ, highZ) = ZRange(geometry);
            box = new BoundingBox(envelope.MinX, envelope.MinY, lowZ, envelope.MaxX, envelope.MaxY, highZ);
            placement = geometry is Point point
                ? new Placement(point.X, point.Y, double.IsNaN(point.Z) ? 0 : point.Z)
                : new Placement(envelope.Centre.X, envelope.Centre.Y, (lowZ + highZ) / 2);
        }

        return new SourceElement(identifier, _className, SourceProperties.SortedByName(properties), UserLabel(attributes), parent ?? Identifier, placement, box);
    }

    /// <summary>The layer element, after its features (it carries their count and extents). The file's CRS is its first layer's.</summary>
    public SourceElement Element()
    {
        if (OutputCrs is not null && _context.CoordinateSystem is null)
        {
            _context.CoordinateSystem = OutputCrs;
            _context.CoordinateSystemDefinition = _reprojection is null ? CrsDefinition : null;
        }
        else if (OutputCrs is not null && OutputCrs != _context.CoordinateSystem)
        {
            _context.Warn($"Layer '{Name}' is in {OutputCrs}, the file's first layer in {_context.CoordinateSystem}: the file counts as {_context.CoordinateSystem}.");
        }

        if (_withoutId > 0)
        {
            _context.Warn($"Layer '{Name}': {_withoutId} feature(s) have no id and are identified by position (FID).");
        }

        var properties = new List<KeyValuePair<string, object>>
        {
            new("FeatureCount", _count),
            new("Name", Name),
        };
        if (_geometryTypes.Count > 0)
        {
            properties.Add(new("GeometryTypes", string.Join(",", _geometryTypes)));
        }

        if (Crs is not null)
        {
            properties.Add(new("CRS", Crs));
        }

        if (CrsDefinition is not null)
        {
            properties.Add(new("CRSDefinition", CrsDefinition));
        }

        if (_reprojection is not null)
        {
            properties.Add(new("ReprojectedTo", TargetCrs!));
        }

        var box = _extent.IsNull ? null : new BoundingBox(_extent.MinX, _extent.MinY, 0, _extent.MaxX, _extent.MaxY, 0);
        return new SourceElement(Identifier, "GEOSPATIAL:Layer", SourceProperties.SortedByName(properties), Name, null, null, box);
    }

    /// <summary>A property value of the engine's types; null values and empty containers are left out.</summary>
    public static object? Typed(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag,
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong big => big <= long.MaxValue ? (long)big : (double)big,
        float or double => Convert.ToDouble(value, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : null,
        decimal number => decimal.Truncate(number) == number && number is >= long.MinValue and <= long.MaxValue ? (long)number : (double)number,
        DateTime time => time.ToString("o", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("o", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Guid guid => guid.ToString(),
        byte[] => null, // blobs are not properties
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static bool IsIdName(string name) => IdAttributes.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static string? UserLabel(IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value is string { Length: > 0 } text && (name.Equals("name", StringComparison.OrdinalIgnoreCase) || name.Equals("label", StringComparison.OrdinalIgnoreCase) || name.Equals("title", StringComparison.OrdinalIgnoreCase)))
            {
                return text;
            }
        }

        return null;
    }

    private static (double Low, double High) ZRange(FeatureGeometry geometry)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (var coordinate in geometry.Coordinates)
        {
            double z = coordinate.Z;
            if (!double.IsNaN(z))
            {
                low = Math.Min(low, z);
                high = Math.Max(high, z);
            }
        }

        return low <= high ? (low, high) : (0, 0);
    }
}
