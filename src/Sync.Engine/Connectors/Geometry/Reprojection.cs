using System.Globalization;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;
using FeatureGeometry = NetTopologySuite.Geometries.Geometry;

namespace Sync.Engine.Connectors.Geometry;

/// <summary>
/// Moves coordinates from a source's coordinate reference system (a GIS layer's, an IFC model's map) into the
/// iModel's, with ProjNET. Systems resolve from "EPSG:n" (WGS84, Web Mercator and WGS84 UTM zones built in; the
/// ETRS89 systems of <c>EpsgDefinitions.txt</c>) or from the source's own WKT definition.
/// </summary>
internal sealed class Reprojection
{
    private static readonly CoordinateSystemFactory Systems = new();
    private static readonly CoordinateTransformationFactory Transformations = new();
    private static readonly Lazy<Dictionary<int, string>> Shipped = new(LoadShipped);

    private readonly MathTransform _transform;

    private Reprojection(MathTransform transform)
    {
        _transform = transform;
    }

    /// <summary>The codes the service resolves without a definition from the file.</summary>
    public static IEnumerable<int> ShippedCodes => Shipped.Value.Keys;

    /// <summary>
    /// The reprojection from a source's system to the iModel's (<paramref name="target"/>), or null when none is needed
    /// or possible; the reason a needed one is impossible is given as a warning naming <paramref name="subject"/>
    /// ("layer 'roads'", "the IFC model").
    /// </summary>
    public static Reprojection? Between(string? source, string? sourceDefinition, string target, SourceContext context, string subject)
    {
        if (string.Equals(source, target, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var to = Resolve(target, null);
        var from = Resolve(source, sourceDefinition);
        if (to is null || from is null)
        {
            context.Warn(to is null
                ? $"The iModel's coordinate system '{target}' is not one this service knows: {subject} keeps its own coordinates."
                : $"{Capitalized(subject)} is in a coordinate system that cannot be resolved ({source ?? "none"}): it keeps its own coordinates.");
            return null;
        }

        try
        {
            return new Reprojection(Transformations.CreateFromCoordinateSystems(from, to).MathTransform);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            context.Warn($"{Capitalized(subject)} cannot be reprojected from {source} to {target} ({e.Message}): it keeps its own coordinates.");
            return null;
        }
    }

    public static CoordinateSystem? Resolve(string? name, string? definition)
    {
        if (name is not null && name.StartsWith("EPSG:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int code))
        {
            switch (code)
            {
                case 4326:
                    return GeographicCoordinateSystem.WGS84;
                case 3857 or 900913:
                    return ProjectedCoordinateSystem.WebMercator;
                case >= 32601 and <= 32660:
                    return ProjectedCoordinateSystem.WGS84_UTM(code - 32600, true);
                case >= 32701 and <= 32760:
                    return ProjectedCoordinateSystem.WGS84_UTM(code - 32700, false);
            }

            if (Shipped.Value.TryGetValue(code, out string? wkt))
            {
                return Parse(wkt);
            }
        }

        return definition is { Length: > 0 } ? Parse(definition) : null;
    }

    /// <summary>One position moved (heights stay as they are).</summary>
    public Vector3d Apply(Vector3d point)
    {
        var (x, y) = _transform.Transform(point.X, point.Y);
        return new Vector3d(x, y, point.Z);
    }

    /// <summary>The box around a box's moved corners (a projection bends straight edges; over a building's extent, by far less than its rounding).</summary>
    public Bounds3d Apply(Bounds3d box)
    {
        var moved = new Bounds3d();
        if (!box.IsEmpty)
        {
            foreach (double x in (ReadOnlySpan<double>)[box.Low.X, box.High.X])
            {
                foreach (double y in (ReadOnlySpan<double>)[box.Low.Y, box.High.Y])
                {
                    moved.Add(Apply(new Vector3d(x, y, box.Low.Z)));
                    moved.Add(Apply(new Vector3d(x, y, box.High.Z)));
                }
            }
        }

        return moved;
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>The geometry with every coordinate moved (in place: geometries are not shared between features).</summary>
    public FeatureGeometry Apply(FeatureGeometry geometry)
    {
        geometry.Apply(new CoordinateMover(_transform));
        geometry.GeometryChanged();
        return geometry;
    }

    private static CoordinateSystem? Parse(string wkt)
    {
        try
        {
            return Systems.CreateFromWkt(wkt);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static Dictionary<int, string> LoadShipped()
    {
        using var stream = typeof(Reprojection).Assembly.GetManifestResourceStream("EpsgDefinitions.txt")
            ?? throw new InvalidOperationException("The EPSG definitions are not embedded in the engine.");
        using var reader = new StreamReader(stream);
        var definitions = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#' && line.IndexOf('\t', StringComparison.Ordinal) is > 0 and var tab)
            {
                definitions[int.Parse(line.AsSpan(0, tab), CultureInfo.InvariantCulture)] = line[(tab + 1)..];
            }
        }

        return definitions;
    }

    private sealed class CoordinateMover(MathTransform transform) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = transform.Transform(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
