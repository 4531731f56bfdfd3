using System.Globalization;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.StepPart21;

namespace Sync.Engine.Connectors.Ifc;

/// <summary>
/// An IFC4 file's place on Earth: its <c>IfcMapConversion</c> from the project's engineering coordinates to the
/// map coordinates of an <c>IfcProjectedCRS</c> (false origin, rotation of the X axis, scale), as one transform from
/// project units to map metres, and the name of that CRS ("EPSG:25832").
/// </summary>
/// <remarks>
/// The spec's <c>Scale</c> converts project units to map units; files often leave it out although their units
/// differ (millimetre projects on metre maps), so a missing Scale means "convert the units" and a present one is
/// taken as written. IFC4X3's <c>ScaleY</c>/<c>ScaleZ</c> are honoured; without <c>ScaleZ</c> heights convert by units.
/// A CRS without <c>MapUnit</c> has the project's length unit, as the spec says.
/// IFC2X3 files, which have no map conversion entity, may carry the same as property sets (<see cref="FromPropertySets"/>);
/// files with neither are placed by their site's reference latitude and longitude when it has them (<see cref="FromSite"/>).
/// </remarks>
internal sealed record IfcGeoreference(string? CoordinateSystem, Transform3d ProjectToMapMetres, string? Definition = null)
{
    /// <summary>The file's first map conversion, or null when it has none.</summary>
    public static IfcGeoreference? Read(StepFile file, double projectUnitInMetres, Func<StepEntity, double?> unitInMetres, SourceContext context)
    {
        int code = file.TypeCode("IFCMAPCONVERSION");
        if (code < 0)
        {
            return null;
        }

        var conversions = Enumerable.Range(0, file.Count).Where(i => file.TypeCodeAt(i) == code).ToList();
        if (conversions.Count == 0)
        {
            return null;
        }

        if (conversions.Count > 1)
        {
            context.Warn($"The file has {conversions.Count} map conversions; the first (#{file.Parse(conversions[0]).Id}) places the model.");
        }

        var conversion = file.Parse(conversions[0]);
        var crs = conversion[1].IsReference ? file.Get(conversion[1].Whole) : null;
        string? name = crs?[0].AsText is { Length: > 0 } text ? text.Trim() : null;
        if (name is null)
        {
            context.Warn("The map conversion names no projected coordinate system: the model is placed in map coordinates of an unknown system.");
        }

        double mapUnit = crs is not null && crs[6].IsReference && file.Get(crs[6].Whole) is { } unit && unitInMetres(unit) is { } metres
            ? metres
            : projectUnitInMetres;
        var transform = ToMap(
            conversion[2].AsNumber ?? 0, conversion[3].AsNumber ?? 0, conversion[4].AsNumber ?? 0, conversion[5].AsNumber ?? 1, conversion[6].AsNumber ?? 0,
            conversion[7].AsNumber, conversion[8].AsNumber, conversion[9].AsNumber, mapUnit, projectUnitInMetres);
        return new IfcGeoreference(name, transform);
    }

    /// <summary>
    /// IFC2X3's way to say the same (georeferencing level 50): property sets <c>ePSet_MapConversion</c> (Eastings,
    /// Northings, OrthogonalHeight, XAxisAbscissa, XAxisOrdinate, Scale) and <c>ePSet_ProjectedCRS</c> (Name, and
    /// MapUnit: a text label such as METRE, FOOT or US survey foot; map metres without one, and with a label this
    /// reader does not know, which the task's warnings name). Null when the file has no <c>ePSet_MapConversion</c>.
    /// </summary>
    public static IfcGeoreference? FromPropertySets(StepFile file, double projectUnitInMetres, SourceContext context)
    {
        var (conversion, crs) = MapPropertySets(file);
        if (conversion is null)
        {
            return null;
        }

        string? name = crs?.GetValueOrDefault("Name").AsText?.Trim() is { Length: > 0 } text ? text : null;
        if (name is null)
        {
            context.Warn("ePSet_MapConversion names no projected coordinate system (ePSet_ProjectedCRS.Name): the model is placed in map coordinates of an unknown system.");
        }

        double mapUnit = 1;
        if (crs?.GetValueOrDefault("MapUnit").AsText?.Trim() is { Length: > 0 } unit)
        {
            if (MapUnitInMetres(unit) is { } metres)
            {
                mapUnit = metres;
            }
            else
            {
                context.Warn($"ePSet_ProjectedCRS.MapUnit '{unit}' is not a length unit this reader knows: the map values are taken as metres.");
            }
        }

        double? Value(string property) => conversion.GetValueOrDefault(property).AsNumber;
        var transform = ToMap(
            Value("Eastings") ?? 0, Value("Northings") ?? 0, Value("OrthogonalHeight") ?? 0, Value("XAxisAbscissa") ?? 1, Value("XAxisOrdinate") ?? 0,
            Value("Scale"), null, null, mapUnit, projectUnitInMetres);
        return new IfcGeoreference(name, transform);
    }

    /// <summary>A map unit's label (IFC's unit names, their English spellings, symbols; case, spaces and underscores aside) in metres.</summary>
    private static double? MapUnitInMetres(string label) =>
        label.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "METRE" or "METER" or "METRES" or "METERS" or "M" => 1,
            "MILLIMETRE" or "MILLIMETER" or "MILLIMETRES" or "MILLIMETERS" or "MM" => 0.001,
            "CENTIMETRE" or "CENTIMETER" or "CENTIMETRES" or "CENTIMETERS" or "CM" => 0.01,
            "KILOMETRE" or "KILOMETER" or "KILOMETRES" or "KILOMETERS" or "KM" => 1000,
            "FOOT" or "FEET" or "FT" or "INTERNATIONALFOOT" => 0.3048,
            "USSURVEYFOOT" or "USSURVEYFEET" or "SURVEYFOOT" or "FTUS" or "USFT" => 1200.0 / 3937,
            "INCH" or "INCHES" or "IN" => 0.0254,
            _ => null,
        };

    /// <summary>
    /// The single values (by property name) of the first <c>ePSet_MapConversion</c> and <c>ePSet_ProjectedCRS</c>, in
    /// one pass over the property sets: a file without them has every set read once, not once a name.
    /// </summary>
    private static (Dictionary<string, StepValue>? Conversion, Dictionary<string, StepValue>? Crs) MapPropertySets(StepFile file)
    {
        Dictionary<string, StepValue>? conversion = null, crs = null;
        int code = file.TypeCode("IFCPROPERTYSET");
        for (int i = 0; code >= 0 && i < file.Count && (conversion is null || crs is null); i++)
        {
            if (file.TypeCodeAt(i) != code)
            {
                continue;
            }

            var set = file.Parse(i);
            switch (set[2].AsText)
            {
                case "ePSet_MapConversion" when conversion is null:
                    conversion = SingleValues(file, set);
                    break;
                case "ePSet_ProjectedCRS" when crs is null:
                    crs = SingleValues(file, set);
                    break;
            }
        }

        return (conversion, crs);
    }

    private static Dictionary<string, StepValue> SingleValues(StepFile file, StepEntity set)
    {
        var values = new Dictionary<string, StepValue>(StringComparer.Ordinal);
        foreach (var reference in set[4].List)
        {
            if (reference.IsReference && file.Get(reference.Whole) is { TypeName: "IFCPROPERTYSINGLEVALUE" } property && property[0].AsText is { } propertyName)
            {
                values.TryAdd(propertyName, property[2]);
            }
        }

        return values;
    }

    /// <summary>
    /// Project units to map metres: scaled (a missing scale converts the project's units), the X axis turned to
    /// (abscissa, ordinate), moved to the false origin given in map units.
    /// </summary>
    private static Transform3d ToMap(double eastings, double northings, double height, double abscissa, double ordinate, double? scale, double? scaleY, double? scaleZ, double mapUnit, double projectUnitInMetres)
    {
        double length = Math.Sqrt((abscissa * abscissa) + (ordinate * ordinate));
        (double cos, double sin) = length > 0 ? (abscissa / length, ordinate / length) : (1, 0);

        // Metres of map per project unit along each axis.
        double x = scale is { } s ? s * mapUnit : projectUnitInMetres;
        double y = scaleY is { } sy ? sy * mapUnit : x;
        double z = scaleZ is { } sz ? sz * mapUnit : projectUnitInMetres;
        return new Transform3d(
            new Vector3d(cos * x, sin * x, 0),
            new Vector3d(-sin * y, cos * y, 0),
            new Vector3d(0, 0, z),
            new Vector3d(eastings * mapUnit, northings * mapUnit, height * mapUnit));
    }

    /// <summary>
    /// A file's place from its first <c>IfcSite</c> with <c>RefLatitude</c> and <c>RefLongitude</c> (WGS84, at the
    /// origin of the site's placement): a transverse Mercator system centred on that point (WKT in
    /// <see cref="Definition"/>), the model turned so the context's <c>TrueNorth</c> points to map north and raised by
    /// <c>RefElevation</c>. Null when no site has both. Near the site this is exact to well under a millimetre a
    /// hundred metres, and any other system the iModel uses is reached by reprojection.
    /// </summary>
    public static IfcGeoreference? FromSite(StepFile file, Func<StepValue, Transform3d> placementOf, double projectUnitInMetres, SourceContext context)
    {
        int code = file.TypeCode("IFCSITE");
        for (int i = 0; code >= 0 && i < file.Count; i++)
        {
            if (file.TypeCodeAt(i) != code)
            {
                continue;
            }

            var site = file.Parse(i);
            if (Angle(site[9]) is not { } latitude || Angle(site[10]) is not { } longitude)
            {
                continue;
            }

            if (Math.Abs(latitude) > 90 || Math.Abs(longitude) > 180)
            {
                context.Warn($"Site #{site.Id} gives latitude {latitude.ToString("R", CultureInfo.InvariantCulture)} and longitude {longitude.ToString("R", CultureInfo.InvariantCulture)}, which are not on Earth: the model is not placed by them.");
                return null;
            }

            var north = TrueNorth(file) ?? Vector3d.UnitY;
            var east = new Vector3d(north.Y, -north.X, 0);
            var origin = placementOf(site[5]).Origin * projectUnitInMetres;
            double elevation = (site[11].AsNumber ?? 0) * projectUnitInMetres;

            // Map metres of a project point p (project units): east and north components of (p·unit − origin), heights raised.
            var toMap = new Transform3d(
                new Vector3d(east.X, north.X, 0) * projectUnitInMetres,
                new Vector3d(east.Y, north.Y, 0) * projectUnitInMetres,
                new Vector3d(0, 0, projectUnitInMetres),
                new Vector3d(-Vector3d.Dot(origin, east), -Vector3d.Dot(origin, north), elevation - origin.Z));
            string name = string.Create(CultureInfo.InvariantCulture, $"IfcSite {latitude:0.######} {longitude:0.######} (local transverse Mercator)");
            string wkt = string.Create(
                CultureInfo.InvariantCulture,
                $"PROJCS[\"{name}\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",{latitude:R}],PARAMETER[\"central_meridian\",{longitude:R}],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]");
            context.Warn($"The file has no map conversion: it is placed by site #{site.Id}'s reference latitude and longitude ({name}).");
            return new IfcGeoreference(name, toMap, wkt);
        }

        return null;
    }

    /// <summary>An <c>IfcCompoundPlaneAngleMeasure</c>: degrees, minutes, seconds and optionally millionths of a second, all of one sign.</summary>
    private static double? Angle(StepValue value)
    {
        var parts = value.Untyped.List;
        if (parts.Count < 3 || parts.Count > 4 || parts.Any(p => p.AsNumber is null))
        {
            return null;
        }

        double degrees = parts[0].AsNumber!.Value + (parts[1].AsNumber!.Value / 60) + (parts[2].AsNumber!.Value / 3600);
        return parts.Count == 4 ? degrees + (parts[3].AsNumber!.Value / 3.6e9) : degrees;
    }

    /// <summary>The direction of true north in the model's plane, from its 3D model context.</summary>
    private static Vector3d? TrueNorth(StepFile file)
    {
        int code = file.TypeCode("IFCGEOMETRICREPRESENTATIONCONTEXT");
        for (int i = 0; code >= 0 && i < file.Count; i++)
        {
            if (file.TypeCodeAt(i) == code && file.Parse(i)[5] is { IsReference: true } reference
                && file.Get(reference.Whole) is { TypeName: "IFCDIRECTION" } direction
                && direction[0].List is { Count: >= 2 } ratios && ratios[0].AsNumber is { } x && ratios[1].AsNumber is { } y)
            {
                return new Vector3d(x, y, 0).Normalized();
            }
        }

        return null;
    }
}
